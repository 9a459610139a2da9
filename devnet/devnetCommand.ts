/**
 * `gasket devnet`: starts a local chain and prints where it listens and its funded dev accounts; runs until
 * interrupted, then closes the database cleanly. A shell over `startDevnet`.
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { GasketError } from '../errors.js';
import type { CliIo } from './cliIo.js';
import { toHex } from './codec.js';
import { startDevnet } from './startDevnet.js';

export type DevnetCommandOptions = {
  host: string;
  port: string;
  dataDir?: string;
  inMemory: boolean;
  blockTime?: string;
  chainId?: string;
  cors?: string;
  /** A dev_dumpState file to load at start. */
  loadState?: string;
  /** Where to write a dev_dumpState file on shutdown. */
  dumpState?: string;
  /** False (`--no-dev-methods`) refuses every dev_* method. Default true. */
  devMethods?: boolean;
  /** False (`--no-explorer`) serves no explorer page. Default true. */
  explorer?: boolean;
  /** True (`--rpc-worker`) serves HTTP and WebSocket from a worker thread (rpc/frontEnd.ts). Default false. */
  rpcWorker?: boolean;
};

export async function devnetCommand(options: DevnetCommandOptions, io: CliIo): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new GasketError('BAD_FLAG', `--port must be 0..65535, got "${options.port}"`);
  const blockTime = options.blockTime === undefined ? undefined : Number(options.blockTime);
  if (blockTime !== undefined && (!Number.isInteger(blockTime) || blockTime < 1)) {
    throw new GasketError('BAD_FLAG', `--block-time takes whole seconds (1 or more), got "${options.blockTime}"`);
  }
  if (options.chainId !== undefined && !/^\d+$/.test(options.chainId)) {
    throw new GasketError('BAD_FLAG', `--chain-id takes a whole number, got "${options.chainId}"`);
  }
  let devnet: Awaited<ReturnType<typeof startDevnet>>;
  try {
    devnet = await startDevnet({
      host: options.host,
      port,
      dataDir: options.dataDir,
      inMemory: options.inMemory,
      blockTime,
      cors: options.cors,
      chain: options.chainId ? { chainId: BigInt(options.chainId) } : {},
      devMethods: options.devMethods ?? true,
      explorer: options.explorer ?? true,
      frontEnd: options.rpcWorker ?? false,
      onProgress: (message) => io.stderr(`${message}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new GasketError('PORT_IN_USE', `port ${port} is in use: stop the other node or pass --port`);
    }
    throw error;
  }
  const { chain, server } = devnet;
  if (options.loadState !== undefined) {
    try {
      await chain.loadState(new Uint8Array(await readFile(options.loadState)));
    } catch (error) {
      await devnet.close();
      throw new GasketError('BAD_FLAG', `--load-state ${options.loadState}: ${(error as Error).message}`);
    }
  }
  const lines = [
    'Gasket devnet',
    '',
    ...(options.explorer === false ? [] : [`  Explorer   ${server.url}  (open in a browser)`]),
    `  JSON-RPC   ${server.url}`,
    `  WebSocket  ${server.wsUrl}`,
    `  chain id   ${chain.config.chainId}`,
    `  head       block ${chain.head.header.height} (${toHex(chain.head.hash)})`,
    `  storage    ${devnet.dataDir ?? 'in memory (nothing is kept)'}`,
    `  mining     ${blockTime ? `every ${blockTime} s` : 'automine (a block per transaction)'}`,
    ...(options.loadState ? [`  state      loaded from ${options.loadState}`] : []),
    ...(options.dumpState ? [`  dump       to ${options.dumpState} on shutdown`] : []),
    ...(options.devMethods === false ? ['  dev_*      refused (--no-dev-methods)'] : []),
    '',
    'Dev accounts (funded; never use these keys anywhere else):',
    ...chain.devAccounts.map(
      (account, i) => `  (${i}) ${toHex(account.address)}\n      secret key ${toHex(account.secretKey)}`,
    ),
    '',
    'Press Ctrl+C to stop.',
    '',
  ];
  io.stdout(lines.join('\n'));
  let stop = () => {};
  const stopped = new Promise<undefined>((resolve) => {
    stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(undefined);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // A front end that fails (`--rpc-worker`) leaves a node that answers nothing: stop it and say why.
  const failure = await Promise.race([stopped, server.failed ?? stopped]);
  if (failure !== undefined) {
    stop();
    try {
      await devnet.close();
    } catch (closeError) {
      // the front end's failure is what the user must see first; a failed close comes with it
      throw Object.assign(failure, { cause: closeError });
    }
    throw failure;
  }
  if (options.dumpState !== undefined) {
    try {
      await writeFile(options.dumpState, await chain.dumpState());
      io.stdout(`state written to ${options.dumpState}\n`);
    } finally {
      await devnet.close();
    }
  } else await devnet.close();
  io.stdout('devnet stopped\n');
}
