/**
 * `gasket exec`: meters a contract, deploys it into a throw-away in-memory state, runs one call and prints what
 * happened: status, return data (decoded as msgpack where it is msgpack), gas, events and logs. A shell over the
 * vm/ and state/ APIs; the output depends only on the inputs, so it is identical under any V8 flags.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { Packr, Unpackr } from 'msgpackr';
import { GasketError } from '../errors.js';
import { openState } from '../state/index.js';
import { type CallResult, Vm, type VmEvent, type VmLog, writeAccount } from '../vm/index.js';
import { type CliIo, ExitStatus } from './cliIo.js';

export type ExecCommandOptions = {
  input: string;
  method: string;
  args: string | undefined;
  initArgs: string | undefined;
  gas: string;
  json: boolean;
};

/** The account that deploys and calls in `gasket exec`. */
const EXEC_SENDER = new Uint8Array(32).fill(0x11);
const EXEC_BLOCK = { height: 1n, timestamp: 0n };
const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'bigint' });

export async function execCommand(options: ExecCommandOptions, io: CliIo): Promise<void> {
  let code: Uint8Array;
  try {
    code = new Uint8Array(await readFile(options.input));
  } catch (error) {
    throw new GasketError('FILE', `cannot read ${options.input}: ${(error as Error).message}`);
  }
  const gasLimit = parseGas(options.gas);
  const args = encodeJsonArgs(options.args, '--args');
  const initArgs = encodeJsonArgs(options.initArgs, '--init-args');

  const state = await openState({ inMemory: true });
  try {
    writeAccount(state, EXEC_SENDER, { balance: 10n ** 24n, nonce: 0n, codeHash: undefined });
    const vm = new Vm({ state });
    const deployed = vm.deploy({ code, deployer: EXEC_SENDER, nonce: 0n, initArgs, gasLimit, block: EXEC_BLOCK });
    const result: CallResult =
      deployed.status === 'ok'
        ? vm.execute({
            contract: deployed.address,
            method: options.method,
            args,
            caller: EXEC_SENDER,
            gasLimit,
            block: EXEC_BLOCK,
          })
        : deployed;
    const phase = deployed.status === 'ok' ? 'call' : 'deploy';
    if (options.json) io.stdout(`${JSON.stringify({ phase, ...resultToJson(result) }, null, 2)}\n`);
    else io.stdout(formatResult(phase, options.method, result));
    if (result.status !== 'ok') throw new ExitStatus(1);
  } finally {
    await state.close();
  }
}

function parseGas(text: string): bigint {
  if (!/^\d+$/.test(text)) throw new GasketError('BAD_FLAG', `--gas takes a whole number, got "${text}"`);
  const gas = BigInt(text);
  if (gas >= 1n << 63n) throw new GasketError('BAD_FLAG', '--gas must be below 2^63');
  return gas;
}

function encodeJsonArgs(text: string | undefined, flag: string): Uint8Array {
  if (text === undefined) return new Uint8Array(0);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GasketError('BAD_FLAG', `${flag} is not valid JSON: ${(error as Error).message}`);
  }
  return new Uint8Array(packr.pack(value));
}

/** The value the bytes encode, if they are exactly one msgpack value; otherwise undefined. */
export function decodeMsgpack(bytes: Uint8Array): { value: unknown } | undefined {
  if (bytes.length === 0) return undefined;
  try {
    const values = unpackr.unpackMultiple(Buffer.from(bytes));
    return values && values.length === 1 ? { value: values[0] } : undefined;
  } catch {
    return undefined;
  }
}

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString('hex')}`;
const jsonSafe = (value: unknown) =>
  JSON.parse(
    JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? hex(v) : v)),
  );

export function resultToJson(result: CallResult) {
  const decoded = decodeMsgpack(result.returnData);
  return {
    status: result.status,
    gasUsed: result.gasUsed.toString(),
    returnData: hex(result.returnData),
    ...(decoded ? { returnValue: jsonSafe(decoded.value) } : {}),
    events: result.events.map((event: VmEvent) => ({
      contract: hex(event.contract),
      topic: new TextDecoder().decode(event.topic),
      data: hex(event.data),
    })),
    logs: result.logs.map((log: VmLog) => log.message),
    error: result.error ?? null,
  };
}

function formatResult(phase: string, method: string, result: CallResult): string {
  const json = resultToJson(result);
  const lines = [
    `${phase === 'deploy' ? 'deploy' : method}: ${result.status}${result.error ? ` [${result.error.code}] ${result.error.message}` : ''}`,
    `  gas used     ${BigInt(json.gasUsed).toLocaleString('en-US')}`,
    `  return data  ${json.returnData}${'returnValue' in json ? `  (msgpack: ${JSON.stringify(json.returnValue)})` : ''}`,
  ];
  for (const event of json.events) lines.push(`  event        ${event.topic} ${event.data}`);
  for (const log of json.logs) lines.push(`  log          ${log}`);
  return `${lines.join('\n')}\n`;
}
