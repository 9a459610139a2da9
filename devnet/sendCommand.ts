/**
 * `gasket send <address> <method>`: calls a contract method in a signed transaction on a running devnet and
 * prints the receipt. Args from `--args` (JSON) are encoded by the contract's interface metadata when it has some
 * (named or positional; an unknown method is refused before sending), else sent msgpack-encoded as they are.
 * Exits 1 when the transaction does not end ok.
 * @module
 */
import {
  type ChainFlags,
  clientFor,
  formatReceipt,
  parseAddress,
  parseJsonFlag,
  parseQuantityFlag,
  receiptJson,
  signerFor,
  withJsonErrors,
} from './_chainCli.js';
import { contractMethod } from './callCommand.js';
import { decodeMethodResult, decodeMsgpack } from './client/abi.js';
import { type CliIo, ExitStatus } from './cliIo.js';
import { formatTrace, useColor } from './formatTrace.js';

export type SendCommandOptions = ChainFlags & {
  address: string;
  method: string;
  args?: string;
  value?: string;
  gas?: string;
  from: string;
  /** Also print the transaction's call trace (tx_trace). */
  trace?: boolean;
};

export async function sendCommand(options: SendCommandOptions, io: CliIo): Promise<void> {
  await withJsonErrors(options.json, io, async () => {
    const address = parseAddress(options.address);
    const args = parseJsonFlag(options.args, '--args');
    const value = parseQuantityFlag(options.value, '--value');
    const gas = parseQuantityFlag(options.gas, '--gas');
    const client = clientFor(options);
    const { method, input } = await contractMethod(client, address, options.method, args);
    const signer = signerFor(client, options.from);
    const receipt = await signer.send({ kind: 'call', to: address, method: options.method, args: input, value, gas });
    let decoded: { value: unknown } | undefined;
    if (receipt.status === 'ok' && method) {
      try {
        decoded = { value: decodeMethodResult(method, receipt.returnData) };
      } catch {
        decoded = undefined;
      }
    } else decoded = decodeMsgpack(receipt.returnData);
    const traced = options.trace ? await client.traceTransaction(receipt.txHash) : undefined;
    if (options.json) {
      io.stdout(
        `${JSON.stringify({ ...receiptJson(receipt, decoded), ...(traced ? { trace: traced.trace } : {}) }, null, 2)}\n`,
      );
    } else {
      io.stdout(formatReceipt(options.method, receipt, decoded));
      if (traced?.trace) io.stdout(`\n${formatTrace(traced.trace, { color: useColor() })}`);
    }
    if (receipt.status !== 'ok') throw new ExitStatus(1);
  });
}
