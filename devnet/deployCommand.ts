/**
 * `gasket deploy <wasm>`: deploys a contract to a running devnet, signed by `--from` (a dev account or a key
 * file), with init args from `--args` (JSON; named or positional by the code's `gasket:interface` metadata when it
 * has some, else sent msgpack-encoded as they are), and prints the receipt with the contract's address. A shell
 * over the client's `deployContract`; exits 1 when the deploy does not end ok.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { GasketError } from '../errors.js';
import {
  type ChainFlags,
  clientFor,
  formatReceipt,
  parseJsonFlag,
  parseQuantityFlag,
  receiptJson,
  signerFor,
  withJsonErrors,
} from './_chainCli.js';
import { decodeMsgpack } from './client/abi.js';
import { deployContract } from './client/contract.js';
import { type CliIo, ExitStatus } from './cliIo.js';

export type DeployCommandOptions = ChainFlags & {
  input: string;
  args?: string;
  value?: string;
  gas?: string;
  from: string;
};

export async function deployCommand(options: DeployCommandOptions, io: CliIo): Promise<void> {
  await withJsonErrors(options.json, io, async () => {
    let code: Uint8Array;
    try {
      code = new Uint8Array(await readFile(options.input));
    } catch (error) {
      throw new GasketError('FILE', `cannot read ${options.input}: ${(error as NodeJS.ErrnoException).code}`);
    }
    const args = parseJsonFlag(options.args, '--args');
    const value = parseQuantityFlag(options.value, '--value');
    const gas = parseQuantityFlag(options.gas, '--gas');
    const client = clientFor(options);
    const signer = signerFor(client, options.from);
    const { receipt } = await deployContract(signer, { code, args, value, gas });
    const decoded = receipt.value !== undefined ? { value: receipt.value } : decodeMsgpack(receipt.returnData);
    if (options.json) io.stdout(`${JSON.stringify(receiptJson(receipt, decoded), null, 2)}\n`);
    else io.stdout(formatReceipt('deploy', receipt, decoded));
    if (receipt.status !== 'ok') throw new ExitStatus(1);
  });
}
