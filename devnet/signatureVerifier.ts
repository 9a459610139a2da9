/**
 * Ed25519 signature checks off the main thread: a worker thread (node:crypto, the same check as
 * `verifySignature`) answers batches of checks, so the sequencer's thread keeps executing and committing blocks
 * while the next transactions' signatures are checked on another core. The answer for a transaction never depends
 * on timing: the worker returns exactly what `verifySignature` would, and callers admit transactions in their own
 * order (devnet/chain.ts awaits the answers in arrival order), never in the order the answers come back.
 *
 * Checks asked for in the same turn of the event loop (say, every request read in one poll of the sockets) travel
 * as one message, after the turn's I/O callbacks. Handing a batch over is not free (on the 2-core VM measured,
 * `postMessage` and the worker's wake-up cost the main thread tens of µs, a signature check about 120 µs), and a
 * lone check gains nothing from another core while this thread waits for it, so a batch smaller than `minBatch`
 * (default 2) is checked inline unless the caller says its thread is busy: the worker is used when there is a
 * backlog or other work to overlap with, which is when the second core helps. (Measured, 2026-11-25, gasket-disk,
 * automine, 8 HTTP clients, 5 interleaved pairs at load 2.5-6: the busy rule cut the node's main-thread CPU from
 * 0.69-0.78 to 0.60-0.66 ms a transfer for about 5% more CPU in all threads, throughput equal or higher; an earlier
 * A/B at load 7-8 that counted all threads only had found it costlier. One client is never busy: unchanged.)
 * A check of an idle caller with nothing else asked for in the turn is answered at once rather than at the end of
 * the turn: with one client, its block is then built and written while the turn's other request (the receipt of
 * its previous transaction) is served (measured 2026-11-25, gasket-disk, automine, 1 client, 4 interleaved pairs at
 * load 3-3.6: 1,508-1,899 -> 1,804-2,233 transfers/s; 8 clients unchanged).
 * The worker starts on the first batch it gets (not at start-up) and does not keep the process alive while idle.
 * Without worker threads (or after the worker fails) every check runs inline; `threads: 0` asks for that.
 * Since libsodium checks in about 50 µs, the default is no worker when it is there (`defaultThreads`, measured).
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { sodiumEntry } from './sodiumAccepts.js';
import { type SignedTransaction, unsignedBytes, verifyEd25519, verifySignature } from './transaction.js';

/**
 * The worker's code (CommonJS, evaluated): verifies a batch of checks as `verifyEd25519` does (libsodium's
 * acceptance first when the package is there, else node:crypto's answer: sodiumAccepts.ts). A batch travels as one
 * transferred buffer (no per-check copies): per check a u32 message length, the message, the 32-byte public key
 * and the 64-byte signature; the answer is one byte a check.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();
let sodium = null;
try {
  if (workerData && workerData.sodium) sodium = require(workerData.sodium);
} catch {}
function check(message, publicKey, signature) {
  try {
    if (sodium !== null && sodium.crypto_sign_verify_detached(signature, message, publicKey) === true) return true;
  } catch {}
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
parentPort.on('message', ({ id, count, data }) => {
  const bytes = Buffer.from(data);
  const results = new Uint8Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const length = bytes.readUInt32LE(at);
    const message = bytes.subarray(at + 4, at + 4 + length);
    const publicKey = bytes.subarray(at + 4 + length, at + 36 + length);
    const signature = bytes.subarray(at + 36 + length, at + 100 + length);
    results[i] = check(message, publicKey, signature) ? 1 : 0;
    at += 100 + length;
  }
  parentPort.postMessage({ id, results }, [results.buffer]);
});
`;

type Check = [message: Uint8Array, publicKey: Uint8Array, signature: Uint8Array];
type Batch = { readonly checks: Check[]; readonly waiters: ((ok: boolean) => void)[]; busy?: boolean };

export type SignatureVerifierOptions = {
  /** Worker threads to use; 0 checks inline on the calling thread. Default: one fewer than the cores, 1 to 4. */
  readonly threads?: number;
  /** Smallest batch handed to a worker; smaller ones are checked inline. Default 2. */
  readonly minBatch?: number;
};

export class SignatureVerifier {
  readonly threads: number;
  readonly minBatch: number;
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
    this.threads = options.threads ?? defaultThreads();
    this.minBatch = options.minBatch ?? 2;
  }

  /**
   * Whether `tx`'s signature is valid: the same answer as `verifySignature(tx)`. `busy` says the caller's thread
   * has other work in flight (a block being mined, say), so a lone check is worth handing over too.
   */
  verify(tx: SignedTransaction, options: { busy?: boolean } = {}): Promise<boolean> {
    if (
      this.threads === 0 ||
      this.#failed ||
      tx.impersonated ||
      tx.publicKey.length !== 32 ||
      tx.signature.length !== 64
    ) {
      return Promise.resolve(verifySignature(tx));
    }
    // a check that would be answered inline (the caller idle, nothing else asked for this turn) is answered now,
    // not at the end of the turn: the caller's block is then built and its write under way before the turn's
    // other requests are served (a lone client's receipt fetch of its previous transaction), which overlap it
    if (!options.busy && this.minBatch > 1 && this.#queued.checks.length === 0) {
      return Promise.resolve(verifySignature(tx));
    }
    return new Promise<boolean>((resolve) => {
      this.#queued.checks.push([unsignedBytes(tx), tx.publicKey, tx.signature]);
      this.#queued.waiters.push(resolve);
      if (options.busy) this.#queued.busy = true;
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
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
    const worker = batch.checks.length < this.minBatch && !batch.busy ? undefined : this.#worker();
    if (!worker) {
      answerInline(batch);
      return;
    }
    const id = this.#batchId++;
    this.#inFlight.set(id, { ...batch, worker });
    if (this.#inFlight.size === 1) for (const w of this.#workers) w.ref();
    const data = encodeBatch(batch.checks);
    worker.postMessage({ id, count: batch.checks.length, data }, [data]);
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
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sodium: sodiumEntry() } });
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

/**
 * No worker when libsodium is there: a check costs about 50 µs inline, while handing one over cost more than that
 * in all threads (profiled with perf, gasket-disk, automine, 8 clients, 2026-11-25: per transfer 58 µs on the main
 * thread for `postMessage` and the batch, 57 µs on the worker for the check and its wake-up, 24 µs of inline
 * checks besides: 139 µs, where checking all inline costs about 50). With node:crypto only (about 110 µs a check)
 * the worker is kept: one fewer than the cores, 1 to 4.
 */
function defaultThreads(): number {
  if (sodiumEntry() !== undefined) return 0;
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

/** The checks laid out as the worker reads them (see WORKER_SOURCE). */
function encodeBatch(checks: readonly Check[]): ArrayBuffer {
  let size = 0;
  for (const [message] of checks) size += 4 + message.length + 32 + 64;
  const data = new ArrayBuffer(size);
  const bytes = new Uint8Array(data);
  const view = new DataView(data);
  let at = 0;
  for (const [message, publicKey, signature] of checks) {
    view.setUint32(at, message.length, true);
    bytes.set(message, at + 4);
    bytes.set(publicKey, at + 4 + message.length);
    bytes.set(signature, at + 36 + message.length);
    at += 100 + message.length;
  }
  return data;
}

function answerInline(batch: Batch): void {
  batch.checks.forEach(([message, publicKey, signature], i) => {
    batch.waiters[i]!(verifyEd25519(message, publicKey, signature));
  });
}
