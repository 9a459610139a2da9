import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openState } from '../../state/index.js';
import { Chain } from '../chain.js';
import { toHex } from '../codec.js';
import { devAccount } from '../keys.js';
import { type Devnet, startDevnet } from '../startDevnet.js';
import {
  decodeTransaction,
  signatureCheckOfRaw,
  signTransaction,
  type UnsignedTransaction,
  verifySignature,
} from '../transaction.js';
import { FrontEnd } from './frontEnd.js';
import { createMethods } from './methods.js';
import { Subscriptions } from './subscriptions.js';

// Two devnets of the same (deterministic) chain: one serving from the chain's thread, one through the worker front
// end. Every request goes to both; every answer must be the same text.
let inline: Devnet;
let worker: Devnet;
beforeAll(async () => {
  [inline, worker] = await Promise.all([
    startDevnet({ inMemory: true, port: 0, explorer: false }),
    startDevnet({ inMemory: true, port: 0, explorer: false, frontEnd: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([inline?.close(), worker?.close()]);
});

async function post(devnet: Devnet, body: string): Promise<string> {
  const response = await fetch(devnet.server.url, { method: 'POST', body });
  return `${response.status} ${await response.text()}`;
}

/** Sends `body` to both devnets (the inline one first) and checks they answer alike; returns the answer. */
async function both(body: string): Promise<string> {
  const a = await post(inline, body);
  const b = await post(worker, body);
  expect(b, body.slice(0, 200)).toBe(a);
  return a;
}

const request = (method: string, params?: unknown, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });

const sender = devAccount(1);
const RECIPIENT = new Uint8Array(32).fill(7);
const transfer = (nonce: bigint, overrides: Partial<UnsignedTransaction> = {}) =>
  signTransaction(
    {
      kind: 'transfer',
      chainId: 1337n,
      nonce,
      gasLimit: 100_000n,
      gasPrice: 1n,
      value: 5n,
      to: RECIPIENT,
      ...overrides,
    } as UnsignedTransaction,
    sender.secretKey,
    sender.publicKey,
  );

describe('the worker front end', () => {
  it('answers sends, receipts and their errors as the chain thread does, rewinds included', async () => {
    const first = transfer(0n);
    const sent = await both(request('tx_send', { raw: toHex(first.raw) }));
    expect(sent).toContain(toHex(first.hash));
    const receipt = await both(request('tx_getReceipt', { hash: toHex(first.hash) }, 'r1'));
    expect(receipt).toContain('"status":"ok"');
    // the same hash in capitals, and as a string id
    await both(request('tx_getReceipt', { hash: `0x${toHex(first.hash).slice(2).toUpperCase()}` }, 'x'));
    await both(request('tx_getReceipt', { hash: toHex(new Uint8Array(32).fill(9)) }));
    await both(request('tx_getReceipt', { hash: '0x12' }));
    await both(request('tx_getReceipt', {}));
    await both(request('tx_getReceipt', { hash: toHex(first.hash) }, null));
    await both(request('tx_send', { raw: toHex(first.raw) })); // already known
    const badSignature = transfer(1n).raw.slice();
    badSignature[badSignature.length - 1]! ^= 1;
    expect(await both(request('tx_send', { raw: toHex(badSignature) }))).toContain('BAD_SIGNATURE');
    // wrong chain and a bad signature: the chain id is checked first
    const otherChain = transfer(1n, { chainId: 7n }).raw.slice();
    otherChain[otherChain.length - 1]! ^= 1;
    expect(await both(request('tx_send', { raw: toHex(otherChain) }))).toContain('WRONG_CHAIN');
    await both(request('tx_send', { raw: '0x1234' }));
    await both(request('tx_send', { raw: 'nothex' }));
    await both(request('tx_send', { raw: toHex(transfer(5n).raw) })); // a nonce gap: queued
    await both('{"jsonrpc":"2.0","method":"tx_send","params":{"raw":"0x00"}}'); // a notification
    await both(`[${request('tx_getReceipt', { hash: toHex(first.hash) })},${request('chain_head')}]`);
    await both('{not json');
    await both(request('no_such_method'));

    const snapshot = await both(request('dev_snapshot'));
    const second = transfer(1n);
    await both(request('tx_send', { raw: toHex(second.raw) }));
    expect(await both(request('tx_getReceipt', { hash: toHex(second.hash) }))).toContain('"status":"ok"');
    const id = JSON.parse(snapshot.slice(4)).result.id;
    await both(request('dev_revert', { id }));
    // reverted: the worker must not answer from the receipt it was sent
    expect(await both(request('tx_getReceipt', { hash: toHex(second.hash) }))).toContain('"result":null');

    // interval mining: accepted, null until mined, then the receipt
    await both(request('dev_setAutomine', { enabled: false }));
    const third = transfer(1n);
    await both(request('tx_send', { raw: toHex(third.raw) }));
    expect(await both(request('tx_getReceipt', { hash: toHex(third.hash) }))).toContain('"result":null');
    await both(request('tx_get', { hash: toHex(third.hash) }));
    await both(request('dev_mine'));
    expect(await both(request('tx_getReceipt', { hash: toHex(third.hash) }))).toContain('"status":"ok"');
    await both(request('dev_reset'));
    expect(await both(request('tx_getReceipt', { hash: toHex(third.hash) }))).toContain('"result":null');
    await both(request('chain_head'));
  });

  it('answers other HTTP methods alike', async () => {
    for (const method of ['GET', 'OPTIONS', 'PUT']) {
      const [a, b] = await Promise.all(
        [inline, worker].map(async (devnet) => {
          const response = await fetch(devnet.server.url, { method });
          return `${response.status} ${await response.text()}`;
        }),
      );
      expect(b).toBe(a);
    }
  });

  it('relays WebSocket requests and subscriptions', async () => {
    const socket = new WebSocket(worker.server.wsUrl);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    type Message = { result?: { subscription: string }; method?: string; params?: { result: { height: string } } };
    const messages: Message[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    const waitFor = async (count: number) => {
      for (let i = 0; i < 200 && messages.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    };
    socket.send(request('subscribe', { kind: 'blocks' }, 1));
    await waitFor(1);
    expect(messages[0]?.result?.subscription).toMatch(/^0x/);
    await post(worker, request('dev_mine'));
    await waitFor(2);
    expect(messages[1]?.method).toBe('subscription');
    expect(messages[1]?.params?.result.height).toBe(
      JSON.parse((await post(worker, request('chain_head'))).slice(4)).result.height,
    );
    socket.close();
  });
});

describe('signatureCheckOfRaw', () => {
  it('answers as verifySignature(decodeTransaction(raw)) for every raw that decodes, flipped bytes included', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.bigInt({ min: 0n, max: 1n << 100n }),
        fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { nil: undefined }),
        (nonce, value, flip) => {
          const raw = transfer(nonce, { value }).raw.slice();
          if (flip) raw[flip[0] % raw.length]! ^= flip[1];
          let tx: ReturnType<typeof decodeTransaction> | undefined;
          try {
            tx = decodeTransaction(raw);
          } catch {
            return; // the chain's thread refuses it whatever the front end says
          }
          const check = signatureCheckOfRaw(raw);
          expect(check).toBeDefined();
          expect(toHex(check!.hash)).toBe(toHex(tx.hash));
          expect(check!.valid).toBe(verifySignature(tx));
        },
      ),
    );
  });
});

describe('a front end whose worker thread dies', () => {
  // A stand-in for frontEndWorker.ts: says it listens, then exits on its own (as a crashed worker would).
  const STAND_IN = `
    const { parentPort } = require('node:worker_threads');
    parentPort.postMessage([['listening', 1, 'http://127.0.0.1:1', 'ws://127.0.0.1:1']]);
    parentPort.on('message', (batch) => { if (batch.some((m) => m[0] === 'close')) parentPort.postMessage([['closed']]); });
    if (process.env.GASKET_STAND_IN_EXIT !== '0') setTimeout(() => process.exit(3), 20);
  `;

  async function serveOnStandIn(exitOnItsOwn: boolean) {
    const state = await openState({ inMemory: true });
    const chain = await Chain.open(state);
    const subscriptions = new Subscriptions(chain);
    const frontEnd = FrontEnd.onWorker(
      new Worker(STAND_IN, { eval: true, env: { GASKET_STAND_IN_EXIT: exitOnItsOwn ? '1' : '0' } }),
    );
    const server = await frontEnd.serve(chain, createMethods(chain, subscriptions), subscriptions);
    return { server, state };
  }

  it('settles `failed` with RPC_FRONT_END_FAILED, and close() still returns', async () => {
    const { server, state } = await serveOnStandIn(true);
    const failure = await server.failed;
    expect(failure?.code).toBe('RPC_FRONT_END_FAILED');
    expect(failure?.message).toContain('exited (code 3)');
    await server.close();
    await state.close();
  });

  it('leaves `failed` unsettled when the front end is closed on purpose', async () => {
    const { server, state } = await serveOnStandIn(false);
    await server.close();
    await state.close();
    const settled = await Promise.race([
      server.failed!.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 100)),
    ]);
    expect(settled).toBe(false);
  });
});
