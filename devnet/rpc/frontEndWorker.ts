/**
 * The devnet's front end, on a worker thread (started by frontEnd.ts): the HTTP and WebSocket transport of
 * server.ts, so the chain's thread does not pay for sockets, HTTP parsing and writing answers (about 100 µs of
 * CPU a request, two requests a transfer). Every body goes to the chain's thread, which answers it with the
 * method table as before (so every method's behaviour and errors are the same), with two shortcuts:
 *
 * - `tx_send`: the transaction's signature is checked here (`signatureCheckOfRaw`, without decoding), and the
 *   answer travels with the body (keyed by the transaction's hash), so the chain's thread does not check it again.
 *   The answer is exactly `verifySignature`'s; the chain still admits transactions in arrival order.
 * - `tx_getReceipt`: answered here from the receipts the chain's thread posts as each block is published (durable,
 *   indexed), and as null for a transaction this front end saw accepted whose receipt has not come yet; anything
 *   else (unknown hashes, batches, odd params) goes to the chain's thread. A rewind (dev_revert, dev_reset) clears
 *   both, before its answer is posted, so no stale receipt is served after the client hears of the rewind.
 *
 * Messages go both ways in batches, one `postMessage` per turn of the event loop.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toHex } from '../codec.js';
import { serveExplorer } from '../serveExplorer.js';
import { signatureCheckOfRaw } from '../transaction.js';
import type { FrontEndOptions, ToFrontEnd, ToSequencer } from './frontEnd.js';
import type { RpcContext } from './jsonRpc.js';
import { startHttpServer } from './server.js';

const port = parentPort!;
const options = workerData as FrontEndOptions;

/** Receipts kept for answering here (JSON text by tx hash), and transactions accepted and awaiting one. */
const MAX_RECEIPTS = 65_536;
const receipts = new Map<string, string>();
const awaiting = new Set<string>();

type Waiter = { resolve(answer: string | undefined): void; reject(error: Error): void; sentHash?: string };
const waiting = new Map<number, Waiter>();
let nextRequest = 1;
const notifiers = new Map<number, NonNullable<RpcContext['notify']>>();

let outbox: ToSequencer[] = [];
function post(message: ToSequencer): void {
  if (outbox.length === 0) setImmediate(flush);
  outbox.push(message);
}
function flush(): void {
  const batch = outbox;
  outbox = [];
  port.postMessage(batch);
}

const HEX_HASH = /^0x[0-9a-fA-F]{64}$/;
const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/; // as codec.ts's (not imported: the worker loads no msgpack)

/** A single, well-formed request object with an id (what the shortcuts take), else undefined. */
function plainRequest(
  body: string,
): { id: number | string; method: string; params: Record<string, unknown> } | undefined {
  // cheap filters first: a batch, or any method but the two, goes through as it is
  if (body.charCodeAt(0) !== 0x7b || !(body.includes('"tx_send"') || body.includes('"tx_getReceipt"'))) return;
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch {
    return;
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return;
  const { jsonrpc, method, params, id } = request as Record<string, unknown>;
  if (jsonrpc !== '2.0' || typeof method !== 'string') return;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) return;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return;
  return { id, method, params: params as Record<string, unknown> };
}

function handle(body: string, context: RpcContext): Promise<string | undefined> {
  if (context.connectionId !== undefined && context.notify && !notifiers.has(context.connectionId)) {
    notifiers.set(context.connectionId, context.notify);
  }
  const request = context.connectionId === undefined ? plainRequest(body) : undefined;
  let verdict: [hash: string, valid: boolean] | undefined;
  if (request?.method === 'tx_getReceipt') {
    const hash = request.params.hash;
    if (typeof hash === 'string' && HEX_HASH.test(hash)) {
      const key = hash.toLowerCase();
      const receipt = receipts.get(key);
      if (receipt !== undefined) return Promise.resolve(answerText(request.id, receipt));
      if (awaiting.has(key)) return Promise.resolve(answerText(request.id, 'null'));
    }
  } else if (request?.method === 'tx_send') {
    const raw = request.params.raw;
    if (typeof raw === 'string' && HEX_BYTES.test(raw)) {
      // undefined for a malformed or impersonated encoding: the chain's thread answers those itself
      const check = signatureCheckOfRaw(Buffer.from(raw.slice(2), 'hex'));
      if (check) verdict = [toHex(check.hash), check.valid];
    }
  }
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject, ...(verdict ? { sentHash: verdict[0] } : {}) });
    post(['rpc', id, body, context.connectionId ?? 0, verdict?.[0] ?? '', verdict?.[1] ?? false]);
  });
}

/** `{"jsonrpc":"2.0","id":…,"result":…}` as JSON.stringify writes it, around an answer already in JSON. */
function answerText(id: number | string, resultJson: string): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${resultJson}}`;
}

/** Drops the oldest entry of a full map or set (insertion order), so neither grows without bound. */
function makeRoom(map: Map<string, string> | Set<string>): void {
  if (map.size >= MAX_RECEIPTS) map.delete(map.keys().next().value!);
}

port.on('message', (batch: ToFrontEnd[]) => {
  for (const message of batch) {
    switch (message[0]) {
      case 'answer': {
        const waiter = waiting.get(message[1]);
        if (!waiter) break;
        waiting.delete(message[1]);
        const answer = message[2] ?? undefined;
        // accepted (an answer without an error): its receipt is null until the chain posts it
        if (waiter.sentHash && answer?.includes('"result":{"hash":') && !receipts.has(waiter.sentHash)) {
          makeRoom(awaiting);
          awaiting.add(waiter.sentHash);
        }
        waiter.resolve(answer);
        break;
      }
      case 'fail': {
        const waiter = waiting.get(message[1]);
        waiting.delete(message[1]);
        waiter?.reject(new Error(message[2]));
        break;
      }
      case 'receipts':
        for (let i = 1; i < message.length; i += 2) {
          const hash = message[i]!;
          makeRoom(receipts);
          receipts.set(hash, message[i + 1]!);
          awaiting.delete(hash);
        }
        break;
      case 'rewind':
        receipts.clear();
        awaiting.clear();
        break;
      case 'notify':
        notifiers.get(message[1])?.(message[2], message[3]);
        break;
      case 'close':
        close();
        break;
    }
  }
});

const server = await startHttpServer(
  {
    handle,
    dropConnection: (connectionId) => {
      notifiers.delete(connectionId);
      post(['drop', connectionId]);
    },
  },
  {
    host: options.host,
    port: options.port,
    cors: options.cors,
    ...(options.explorer ? { onGet: serveExplorer() } : {}),
  },
).catch((error: NodeJS.ErrnoException) => {
  port.postMessage([['listenError', error.code ?? '', error.message]]);
  return undefined;
});
if (server) port.postMessage([['listening', server.port, server.url, server.wsUrl]]);

function close(): void {
  const done = () => {
    flush();
    port.postMessage([['closed']]);
  };
  if (server) server.close().then(done, done);
  else done();
}
