/**
 * The chain's side of the devnet's front end: starts frontEndWorker.ts (the HTTP and WebSocket server on a
 * worker thread), answers the bodies it forwards with the method table on this thread, and posts it what it
 * answers by itself: each published block's receipts (as the JSON `tx_getReceipt` returns), and rewinds. The
 * signature verdicts that come with `tx_send` bodies are handed to the chain through `signatures` (a
 * SignatureChecker that uses a verdict for that transaction's hash once, else asks the fallback checker).
 *
 * Why: over HTTP the sequencer's thread spent about 0.7 ms a transfer in automine; with the front end it parses
 * a small JSON body, executes and commits: 0.45-0.51 ms (measured 2026-11-25, docs/benchmarks.md). The work moves
 * rather than shrinks (total CPU the same or a little more, two thread hops a request), so it pays only with a
 * core to spare, hence opt-in. Start-up: the worker is started first and loads its modules while the chain opens.
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GasketError } from '../../errors.js';
import type { Block } from '../block.js';
import type { Chain, SignatureChecker } from '../chain.js';
import { toHex } from '../codec.js';
import { receiptToJson } from '../json.js';
import type { SignedTransaction } from '../transaction.js';
import { handleRpcBody, type RpcMethods } from './jsonRpc.js';
import type { RpcServer } from './server.js';
import type { Subscriptions } from './subscriptions.js';

/** What the worker is started with (its workerData). */
export type FrontEndOptions = {
  readonly host?: string;
  readonly port?: number;
  readonly cors?: string;
  readonly explorer: boolean;
};

/** Worker -> chain's thread, in batches. */
export type ToSequencer =
  | [kind: 'rpc', id: number, body: string, connectionId: number, verdictHash: string, verdict: boolean]
  | [kind: 'drop', connectionId: number]
  | [kind: 'listening', port: number, url: string, wsUrl: string]
  | [kind: 'listenError', code: string, message: string]
  | [kind: 'closed'];

/** Chain's thread -> worker, in batches. `receipts` is a flat list: hash, receipt JSON, hash, … */
export type ToFrontEnd =
  | [kind: 'answer', id: number, answer: string | null]
  | [kind: 'fail', id: number, message: string]
  | [kind: 'receipts', ...hashAndJson: string[]]
  | [kind: 'rewind']
  | [kind: 'notify', connectionId: number, method: string, params: unknown]
  | [kind: 'close'];

/** Most verdicts waiting for their transaction (each is used once, at once; the bound only stops a leak). */
const MAX_VERDICTS = 65_536;

/** The worker's compiled file: beside this one (dist/), or in dist/ when this runs from source (tests). */
function workerFile(): URL | undefined {
  const candidates = [
    new URL('./frontEndWorker.js', import.meta.url),
    new URL('../../dist/devnet/rpc/frontEndWorker.js', import.meta.url),
  ];
  return candidates.find((candidate) => existsSync(fileURLToPath(candidate)));
}

export class FrontEnd {
  readonly #worker: Worker;
  readonly #verdicts = new Map<string, boolean>();
  #outbox: ToFrontEnd[] = [];
  #handler: ((message: ToSequencer) => void) | undefined;
  /** Messages that came before `serve` (requests are held until the chain is open). */
  #early: ToSequencer[] = [];
  readonly #listening: Promise<ListenInfo>;
  #closed: (() => void) | undefined;
  /** Set by close() and abort(): the worker's exit is then expected. */
  #stopping = false;
  #exited = false;
  #fail!: (error: GasketError) => void;
  /** Settles (never rejects) if the worker fails or exits on its own: the node then no longer answers requests. */
  readonly #failed = new Promise<GasketError>((resolve) => {
    this.#fail = resolve;
  });

  private constructor(worker: Worker) {
    this.#worker = worker;
    let resolveListening!: (info: ListenInfo) => void;
    let rejectListening!: (error: Error) => void;
    this.#listening = new Promise<ListenInfo>((resolve, reject) => {
      resolveListening = resolve;
      rejectListening = reject;
    });
    this.#listening.catch(() => undefined);
    worker.on('message', (batch: ToSequencer[]) => {
      for (const message of batch) {
        if (message[0] === 'listening') resolveListening({ port: message[1], url: message[2], wsUrl: message[3] });
        else if (message[0] === 'listenError') {
          rejectListening(Object.assign(new Error(message[2]), { code: message[1] || undefined }));
        } else if (message[0] === 'closed') this.#closed?.();
        else if (this.#handler) this.#handler(message);
        else this.#early.push(message);
      }
    });
    worker.on('error', (error) => {
      rejectListening(error);
      this.#failure(`the RPC front end's worker thread failed (${error.message})`);
    });
    worker.on('exit', (code) => {
      this.#exited = true;
      rejectListening(new Error('the RPC front end exited'));
      this.#closed?.();
      this.#failure(`the RPC front end's worker thread exited (code ${code})`);
    });
  }

  #failure(what: string): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#fail(
      new GasketError(
        'RPC_FRONT_END_FAILED',
        `${what}: the node no longer answers requests; restart it (without --rpc-worker to serve from the chain's thread)`,
      ),
    );
  }

  /** A front end on `worker`, for tests that stand in for frontEndWorker.ts (the same messages). */
  static onWorker(worker: Worker): FrontEnd {
    return new FrontEnd(worker);
  }

  /** Starts the worker (it listens at once); undefined if it cannot run here (no compiled worker file). */
  static start(options: FrontEndOptions): FrontEnd | undefined {
    const file = workerFile();
    if (!file) return undefined;
    try {
      return new FrontEnd(new Worker(file, { workerData: options }));
    } catch {
      return undefined;
    }
  }

  /** A SignatureChecker for the chain: the front end's verdict for the transaction, else `fallback`'s. */
  signatures(fallback: SignatureChecker): SignatureChecker {
    return {
      verify: (tx: SignedTransaction, options?: { busy?: boolean }) => {
        if (this.#verdicts.size > 0) {
          const key = toHex(tx.hash);
          const verdict = this.#verdicts.get(key);
          if (verdict !== undefined) {
            this.#verdicts.delete(key);
            return Promise.resolve(verdict);
          }
        }
        return fallback.verify(tx, options);
      },
    };
  }

  /** Serves requests with `methods` from now on; resolves once the worker listens (rejects as listen would). */
  async serve(chain: Chain, methods: RpcMethods, subscriptions: Subscriptions): Promise<RpcServer> {
    const notifiers = new Map<number, (method: string, params: unknown) => void>();
    const notifier = (connectionId: number) => {
      let notify = notifiers.get(connectionId);
      if (!notify) {
        notify = (method, params) => this.#post(['notify', connectionId, method, params]);
        notifiers.set(connectionId, notify);
      }
      return notify;
    };
    const onBlock = (block: Block) => this.#postReceipts(block);
    const onRewind = () => this.#post(['rewind']);
    chain.on('block', onBlock);
    chain.on('rewind', onRewind);
    this.#handler = (message) => {
      if (message[0] === 'drop') {
        notifiers.delete(message[1]);
        subscriptions.dropConnection(message[1]);
        return;
      }
      if (message[0] !== 'rpc') return;
      const [, id, body, connectionId, verdictHash, verdict] = message;
      if (verdictHash !== '') {
        if (this.#verdicts.size >= MAX_VERDICTS) this.#verdicts.delete(this.#verdicts.keys().next().value!);
        this.#verdicts.set(verdictHash, verdict);
      }
      const context = connectionId === 0 ? {} : { connectionId, notify: notifier(connectionId) };
      handleRpcBody(body, methods, context)
        .then(
          (answer) => this.#post(['answer', id, answer ?? null]),
          (error: unknown) => this.#post(['fail', id, String(error)]),
        )
        // a body whose transaction never reached the signature check (it did not decode, say) leaves no verdict
        .finally(() => {
          if (verdictHash !== '') this.#verdicts.delete(verdictHash);
        });
    };
    for (const message of this.#early.splice(0)) this.#handler(message);
    let info: ListenInfo;
    try {
      info = await this.#listening;
    } catch (error) {
      chain.off('block', onBlock);
      chain.off('rewind', onRewind);
      await this.#worker.terminate();
      throw error;
    }
    return {
      ...info,
      failed: this.#failed,
      close: async () => {
        this.#stopping = true;
        if (!this.#exited) {
          const closed = new Promise<void>((resolve) => {
            this.#closed = resolve;
          });
          this.#post(['close']);
          await closed;
        }
        chain.off('block', onBlock);
        chain.off('rewind', onRewind);
        await this.#worker.terminate();
      },
    };
  }

  /** Stops the worker when the chain could not be opened. */
  async abort(): Promise<void> {
    this.#stopping = true;
    await this.#worker.terminate();
  }

  /** The block's receipts as `tx_getReceipt` answers them, for the worker to answer from. */
  #postReceipts(block: Block): void {
    if (block.receipts.length === 0) return;
    const message: ToFrontEnd = ['receipts'];
    const at = { height: block.header.height, hash: block.hash };
    block.receipts.forEach((receipt, index) => {
      let json: string;
      try {
        json = JSON.stringify(receiptToJson(receipt, at, index));
      } catch {
        return; // not plain JSON: the chain's thread answers that one itself
      }
      message.push(toHex(receipt.txHash), json);
    });
    this.#post(message);
  }

  #post(message: ToFrontEnd): void {
    if (this.#outbox.length === 0) setImmediate(() => this.#flush());
    this.#outbox.push(message);
  }

  #flush(): void {
    const batch = this.#outbox;
    this.#outbox = [];
    this.#worker.postMessage(batch);
  }
}

type ListenInfo = { readonly port: number; readonly url: string; readonly wsUrl: string };
