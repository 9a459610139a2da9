/**
 * `gasket call <address> <method>`: a read-only call on a running devnet (`contract_call`; nothing is signed or
 * changed). Args and the result follow the contract's interface metadata when it has some, else args are sent
 * msgpack-encoded as they are and the result is shown decoded when it is one msgpack value. Exits 1 when the
 * call does not end ok.
 * @module
 */
import { GasketError } from '../errors.js';
import {
  type ChainFlags,
  clientFor,
  jsonSafe,
  parseAddress,
  parseJsonFlag,
  signerFor,
  withJsonErrors,
} from './_chainCli.js';
import {
  asContractInterface,
  decodeMethodResult,
  decodeMsgpack,
  encodeMethodArgs,
  encodeUntyped,
  type MethodInterface,
} from './client/abi.js';
import type { Client } from './client/createClient.js';
import { ClientError } from './client/errors.js';
import { type CliIo, ExitStatus } from './cliIo.js';
import { formatTrace, useColor } from './formatTrace.js';

export type CallCommandOptions = ChainFlags & {
  address: string;
  method: string;
  args?: string;
  from?: string;
  /** Also print the call trace (contract_traceCall). */
  trace?: boolean;
};

/** The method's interface (when the contract has metadata) and the encoded input. */
export async function contractMethod(
  client: Client,
  address: `0x${string}`,
  name: string,
  args: unknown,
): Promise<{ method: MethodInterface | undefined; input: Uint8Array }> {
  const found = await client.getInterface(address);
  if (!found || found.interface === null) return { method: undefined, input: encodeUntyped(args) };
  const iface = asContractInterface(found.interface);
  const method = iface.methods.find((candidate) => candidate.name === name);
  if (!method) {
    throw new ClientError(
      'UNKNOWN_METHOD',
      `${iface.name} has no method ${name} (it has ${iface.methods.map((m) => m.name).join(', ')})`,
    );
  }
  return { method, input: encodeMethodArgs(method, args) };
}

export async function callCommand(options: CallCommandOptions, io: CliIo): Promise<void> {
  await withJsonErrors(options.json, io, async () => {
    const address = parseAddress(options.address);
    const args = parseJsonFlag(options.args, '--args');
    const client = clientFor(options);
    const from = options.from === undefined ? undefined : signerFor(client, options.from).address;
    const { method, input } = await contractMethod(client, address, options.method, args);
    const traced = options.trace
      ? await client.traceCall({ contract: address, method: options.method, args: input, from })
      : undefined;
    const result = traced
      ? {
          status: traced.status,
          gasUsed: BigInt(traced.gasUsed),
          returnData: new Uint8Array(Buffer.from(traced.returnData.slice(2), 'hex')),
          logs: [] as string[],
          error: traced.error,
        }
      : await client.call({ contract: address, method: options.method, args: input, from });
    let decoded: { value: unknown } | undefined;
    if (result.status === 'ok' && method) {
      try {
        decoded = { value: decodeMethodResult(method, result.returnData) };
      } catch (error) {
        throw new GasketError('BAD_RETURN_DATA', (error as Error).message);
      }
    } else decoded = decodeMsgpack(result.returnData);
    const returnData = `0x${Buffer.from(result.returnData).toString('hex')}`;
    if (options.json) {
      io.stdout(
        `${JSON.stringify(
          {
            status: result.status,
            gasUsed: result.gasUsed.toString(),
            returnData,
            ...(decoded ? { returnValue: jsonSafe(decoded.value) } : {}),
            logs: result.logs,
            error: result.error,
            ...(traced ? { trace: traced.trace } : {}),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      const error = result.error ? ` [${result.error.code}] ${result.error.message}` : '';
      const lines = [`${options.method}: ${result.status}${error}`];
      if (decoded) lines.push(`  return value  ${JSON.stringify(jsonSafe(decoded.value))}`);
      else if (result.returnData.length > 0) lines.push(`  return data   ${returnData}`);
      lines.push(`  gas used      ${result.gasUsed.toLocaleString('en-US')}`);
      for (const log of result.logs) lines.push(`  log           ${log}`);
      io.stdout(`${lines.join('\n')}\n`);
      if (traced?.trace) io.stdout(`\n${formatTrace(traced.trace, { color: useColor() })}`);
    }
    if (result.status !== 'ok') throw new ExitStatus(1);
  });
}
