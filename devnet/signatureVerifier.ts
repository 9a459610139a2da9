/**
 * Ed25519 signature checks off the main thread: a worker thread (node:crypto, the same check as
 * `verifySignature`) answers batches of checks, so the sequencer's thread keeps executing and committing blocks
 * while the next transactions' signatures are checked on another core. The answer for a transaction never depends
 * on timing: the worker returns exactly what `verifySignature` would, and callers admit transactions in their own
 * order (devnet/chain.ts awaits the answers in arrival order), never in the order the answers come back.
 *
 * Checks asked for in the same turn of the event loop travel as one message. The worker starts on the first check
 * (not at start-up) and does not keep the process alive while nothing is asked. Without worker threads (or after
 * the worker fails) every check runs inline; `threads: 0` asks for that.
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type SignedTransaction, unsignedBytes, verifyEd25519, verifySignature } from './transaction.js';

/** The worker's code (CommonJS, evaluated): verifies [message, publicKey, signature] triples with node:crypto. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();
function check(message, publicKey, signature) {
  try {
    const id = Buffer.from(publicKey).toString('hex');
    let key = keys.get(id);
    if (!key) {
      key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
      if (keys.size >= 10000) keys.delete(keys.keys().next().value);
      keys.set(id, key);
    }
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
parentPort.on('message', ({ id, checks }) => {
  const results = new Uint8Array(checks.length);
  for (let i = 0; i < checks.length; i++) results[i] = check(checks[i][0], checks[i][1], checks[i][2]) ? 1 : 0;
  parentPort.postMessage({ id, results });
});
`;

type Check = [message: Uint8Array, publicKey: Uint8Array, signature: Uint8Array];
type Batch = { readonly checks: Check[]; readonly waiters: ((ok: boolean) => void)[] };

export type SignatureVerifierOptions = {
  /** Worker threads to use; 0 checks inline on the calling thread. Default: one fewer than the cores, 1 to 4. */
  readonly threads?: number;
};

export class SignatureVerifier {
  readonly threads: number;
  #workers: Worker[] = [];
  #next = 0;
  #failed = false;
  #batchId = 1;
  /** Checks asked for this turn, posted together. */
  #queued: Batch = { checks: [], waiters: [] };
  #flushScheduled = false;
  /** Posted batches by id, with the worker answering each. */
  readonly #inFlight = new Map<number, Batch & { readonly worker: Worker }>();

  constructor(options: SignatureVerifierOptions = {}) {
    this.threads = options.threads ?? Math.min(4, Math.max(1, availableParallelism() - 1));
  }

  /** Whether `tx`'s signature is valid: the same answer as `verifySignature(tx)`. */
  verify(tx: SignedTransaction): Promise<boolean> {
    if (this.threads === 0 || this.#failed || tx.impersonated) return Promise.resolve(verifySignature(tx));
    return new Promise<boolean>((resolve) => {
      this.#queued.checks.push([unsignedBytes(tx), tx.publicKey, tx.signature]);
      this.#queued.waiters.push(resolve);
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }

  /** Stops the worker threads; later checks start new ones. */
  async close(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    for (const [id, batch] of this.#inFlight) {
      this.#inFlight.delete(id);
      answerInline(batch);
    }
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#queued;
    this.#queued = { checks: [], waiters: [] };
    if (batch.checks.length === 0) return;
    const worker = this.#worker();
    if (!worker) {
      answerInline(batch);
      return;
    }
    const id = this.#batchId++;
    this.#inFlight.set(id, { ...batch, worker });
    if (this.#inFlight.size === 1) for (const w of this.#workers) w.ref();
    worker.postMessage({ id, checks: batch.checks });
  }

  #worker(): Worker | undefined {
    if (this.#failed) return undefined;
    if (this.#workers.length < this.threads) {
      try {
        this.#workers.push(this.#start());
      } catch {
        this.#failed = true;
        return undefined;
      }
    }
    const worker = this.#workers[this.#next % this.#workers.length]!;
    this.#next++;
    return worker;
  }

  #start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', ({ id, results }: { id: number; results: Uint8Array }) => {
      const batch = this.#inFlight.get(id);
      if (!batch) return;
      this.#inFlight.delete(id);
      if (this.#inFlight.size === 0) for (const w of this.#workers) w.unref();
      batch.waiters.forEach((resolve, i) => {
        resolve(results[i] === 1);
      });
    });
    // a worker that fails or exits unasked: its unanswered checks, and every later one, run inline
    const fail = () => {
      if (!this.#workers.includes(worker)) return; // closed
      this.#failed = true;
      this.#workers = this.#workers.filter((w) => w !== worker);
      for (const [id, batch] of this.#inFlight) {
        if (batch.worker !== worker) continue;
        this.#inFlight.delete(id);
        answerInline(batch);
      }
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    return worker;
  }
}

function answerInline(batch: Batch): void {
  batch.checks.forEach(([message, publicKey, signature], i) => {
    batch.waiters[i]!(verifyEd25519(message, publicKey, signature));
  });
}
