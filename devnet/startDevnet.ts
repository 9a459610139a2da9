/**
 * `startDevnet(options)`: opens the chain (LevelDB in a data directory, or in memory), starts the JSON-RPC server
 * and, with `blockTime`, interval mining. The `gasket devnet` command is a shell over this function; tests start
 * and stop devnets in-process through it. The server runs on the chain's thread, or with `frontEnd` on a worker
 * thread (rpc/frontEnd.ts), started first so that it loads while the chain opens (a runtime without the compiled
 * worker serves from the chain's thread): the same answers either way.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openState, type StateStore } from '../state/index.js';
import { BlockJournal } from './blockJournal.js';
import { Chain, type ChainConfig, signatureVerifier } from './chain.js';
import { FrontEnd } from './rpc/frontEnd.js';
import type { RpcMethods } from './rpc/jsonRpc.js';
import { createMethods } from './rpc/methods.js';
import { type RpcServer, startRpcServer } from './rpc/server.js';
import { Subscriptions } from './rpc/subscriptions.js';
import { serveExplorer } from './serveExplorer.js';

/**
 * State caches sized for a long-running devnet: the store's defaults (64 Ki values, 128 Ki tree nodes) let a
 * devnet's memory climb by kilobytes a block for tens of thousands of blocks (measured by the soak).
 */
const STATE_CACHES = Object.freeze({ valueCacheSize: 16_384, nodeCacheSize: 16_384 });

export type StartDevnetOptions = {
  readonly host?: string;
  /** 0 picks a free port. Default 8545. */
  readonly port?: number;
  /** Default `./.gasket`. */
  readonly dataDir?: string;
  readonly inMemory?: boolean;
  /** Seconds between interval-mined blocks; 0 or undefined for automine. */
  readonly blockTime?: number;
  readonly cors?: string;
  readonly chain?: Partial<ChainConfig>;
  /** False refuses every `dev_*` method (JSON-RPC -32601, method not found). Default true. */
  readonly devMethods?: boolean;
  /** False serves no explorer page on GET (`--no-explorer`). Default true. */
  readonly explorer?: boolean;
  /**
   * True serves HTTP and WebSocket from a worker thread (rpc/frontEnd.ts, `--rpc-worker`), false from the chain's
   * thread. Default false: on the 2-core machine measured the worker freed the chain's thread (0.45 instead of
   * 0.7 ms a transfer) but cost as much CPU in all, added a thread hop to every request (one client: slower) and
   * about 50-100 ms to start-up; it pays with many clients and a free core (docs/benchmarks.md, Devnet).
   */
  readonly frontEnd?: boolean;
  /** Told about long work at start (a line each step), for a person watching: the CLI prints it on stderr. */
  readonly onProgress?: (message: string) => void;
};

/** A line at each tenth of the one-time indexing (chainIndex.ts), not at every batch: about ten lines in all. */
export function indexingProgress(report: (message: string) => void): (indexed: bigint, total: bigint) => void {
  let shown = -1n;
  return (indexed, total) => {
    const tenth = total === 0n ? 10n : (indexed * 10n) / total;
    if (tenth === shown) return;
    shown = tenth;
    report(
      `indexing transaction and block hashes of a data directory from an older Gasket (once): ${indexed} of ${total} blocks`,
    );
  };
}

export type Devnet = {
  readonly chain: Chain;
  readonly server: RpcServer;
  readonly methods: RpcMethods;
  readonly dataDir: string | undefined;
  close(): Promise<void>;
};

export async function startDevnet(options: StartDevnetOptions = {}): Promise<Devnet> {
  const frontEnd =
    options.frontEnd !== true
      ? undefined
      : FrontEnd.start({
          host: options.host,
          port: options.port,
          cors: options.cors,
          explorer: options.explorer !== false,
        });
  let state: StateStore;
  let dataDir: string | undefined;
  let journal: ReturnType<typeof BlockJournal.open> | undefined;
  try {
    if (options.inMemory) {
      state = await openState({ inMemory: true, ...STATE_CACHES });
    } else {
      dataDir = resolve(options.dataDir ?? '.gasket');
      await mkdir(dataDir, { recursive: true });
      // the block journal makes blocks durable; LevelDB gets them in groups: a run of automined blocks waits up to
      // 2 ms to share one write (measured: about 5-8% less server CPU a transfer with one client)
      state = await openState({ path: join(dataDir, 'chain'), create: true, ...STATE_CACHES, writeDelayMs: 2 });
      try {
        journal = BlockJournal.open(join(dataDir, 'journal'));
      } catch (error) {
        await state.close();
        throw error;
      }
    }
  } catch (error) {
    await frontEnd?.abort();
    throw error;
  }
  let chain: Chain;
  try {
    chain = await Chain.open(
      state,
      {
        ...options.chain,
        ...(options.blockTime ? { blockTime: BigInt(options.blockTime) } : {}),
      },
      {
        ...(frontEnd ? { signatures: frontEnd.signatures(signatureVerifier()) } : {}),
        ...(journal ? { journal: journal.journal, replay: journal.records } : {}),
        ...(options.onProgress ? { onIndexing: indexingProgress(options.onProgress) } : {}),
      },
    );
  } catch (error) {
    await frontEnd?.abort();
    await state.close();
    journal?.journal.close();
    throw error;
  }
  const subscriptions = new Subscriptions(chain);
  const allMethods = createMethods(chain, subscriptions);
  const methods =
    options.devMethods === false
      ? Object.fromEntries(Object.entries(allMethods).filter(([name]) => !name.startsWith('dev_')))
      : allMethods;
  let server: RpcServer;
  try {
    server = frontEnd
      ? await frontEnd.serve(chain, methods, subscriptions)
      : await startRpcServer(methods, subscriptions, {
          host: options.host,
          port: options.port,
          cors: options.cors,
          ...(options.explorer === false ? {} : { onGet: serveExplorer() }),
        });
  } catch (error) {
    await state.close();
    journal?.journal.close();
    throw error;
  }
  let timer: NodeJS.Timeout | undefined;
  if (options.blockTime && options.blockTime > 0) {
    chain.automine = false;
    timer = setInterval(() => {
      chain.mine().catch(() => undefined);
    }, options.blockTime * 1000);
  }
  return {
    chain,
    server,
    methods,
    dataDir,
    close: async () => {
      if (timer) clearInterval(timer);
      await server.close();
      await chain.idle();
      await state.close();
      // everything is in LevelDB now: the next start has nothing to replay
      journal?.journal.reset();
      journal?.journal.close();
    },
  };
}
