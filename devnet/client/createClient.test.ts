import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_WAT, loadWat, rejection, wat } from '../../test/index.js';
import { toHex } from '../codec.js';
import { devAccount, generateKeyPair } from '../keys.js';
import { type Devnet, startDevnet } from '../startDevnet.js';
import { ClientError, RpcRequestError } from './errors.js';
import { type Client, createClient } from './index.js';
import { RPC_METHOD_NAMES } from './rpcSchema.js';
import { createSigner, devSigner } from './signer.js';

await loadWat();
const COUNTER = wat(COUNTER_WAT);

let devnet: Devnet;
let client: Client;

beforeAll(async () => {
  devnet = await startDevnet({ inMemory: true, port: 0 });
  client = createClient({ url: devnet.server.url });
});
afterAll(async () => {
  await devnet?.close();
});

/** The node refuses a request: RpcRequestError with this code. */
async function refused(promise: Promise<unknown>, code: string, rpcCode?: number): Promise<void> {
  const error = await rejection(promise);
  expect(error, String(error)).toBeInstanceOf(RpcRequestError);
  expect(error.code).toBe(code);
  if (rpcCode !== undefined) expect(error.rpcCode).toBe(rpcCode);
}

const NOT_AN_OBJECT = 5 as never;

async function deployCounter(): Promise<`0x${string}`> {
  const receipt = await devSigner(client, 0).deploy({ code: COUNTER });
  expect(receipt.status).toBe('ok');
  return receipt.contractAddress!;
}

describe('createClient: every method, happy path and an error', () => {
  it('the client knows exactly the node method table', () => {
    expect([...RPC_METHOD_NAMES].sort()).toEqual(Object.keys(devnet.methods).sort());
  });

  it('chain_id, chain_head, dev_accounts', async () => {
    expect(await client.getChainId()).toBe(1337n);
    const head = await client.getHead();
    expect(typeof head.height).toBe('bigint');
    expect(head.hash).toMatch(/^0x[0-9a-f]{64}$/);
    const accounts = await client.dev.accounts();
    expect(accounts).toHaveLength(10);
    expect(accounts[3]).toMatchObject({ index: 3, address: toHex(devAccount(3).address) });
    expect(typeof accounts[3]!.balance).toBe('bigint');
    for (const method of ['chain_id', 'chain_head', 'dev_accounts'] as const) {
      await refused(client.request(method, NOT_AN_OBJECT), 'BAD_PARAMS', -32602);
    }
  });

  it('account_get', async () => {
    const account = await client.getAccount(devAccount(1).address);
    expect(account).toEqual({ balance: 10n ** 24n, nonce: 0n, codeHash: null });
    expect(await client.getBalance(toHex(devAccount(1).address))).toBe(10n ** 24n);
    await refused(client.request('account_get', { address: '0x12' }), 'BAD_PARAMS', -32602);
    // the client checks what it can before sending
    expect((await rejection(client.getAccount('0x12'))).code).toBe('BAD_INPUT');
  });

  it('tx_send, tx_get, tx_getReceipt, tx_estimateGas, chain_getBlock (signed by the client)', async () => {
    const signer = devSigner(client, 2);
    const to = toHex(devAccount(3).address);
    const prepared = await signer.prepare({ kind: 'transfer', to, value: 5n });
    const estimate = await client.estimateGas(prepared.raw);
    expect(estimate).toMatchObject({ status: 'ok', error: null });
    expect(prepared.gasLimit).toBe(estimate.gasUsed + estimate.gasUsed / 4n);
    const hash = await client.sendRawTransaction(prepared.raw);
    expect(hash).toBe(toHex(prepared.hash));
    const receipt = await client.waitForReceipt(hash);
    expect(receipt).toMatchObject({ txHash: hash, status: 'ok', gasUsed: estimate.gasUsed, index: 0, error: null });
    const tx = await client.getTransaction(hash);
    expect(tx).toMatchObject({ hash, kind: 'transfer', to, value: 5n, nonce: 0n, blockHeight: receipt.blockHeight });
    expect(tx!.raw).toEqual(prepared.raw);
    const block = await client.getBlock({ height: receipt.blockHeight });
    expect(block).toMatchObject({ hash: receipt.blockHash, transactions: [hash] });
    expect(await client.getBlock({ hash: receipt.blockHash })).toEqual(block);
    const full = await client.getBlockWithTransactions({ height: receipt.blockHeight });
    expect(full!.transactions[0]).toMatchObject({ hash, from: signer.address });
    expect(await client.getBlock({ height: 1_000_000n })).toBeNull();
    const unknown = toHex(new Uint8Array(32).fill(7));
    expect(await client.getTransaction(unknown)).toBeNull();
    expect(await client.getReceipt(unknown)).toBeNull();

    await refused(client.sendRawTransaction('0x1234'), 'BAD_TRANSACTION', -32010);
    await refused(client.sendRawTransaction(prepared.raw), 'NONCE_TOO_LOW', -32013);
    await refused(client.estimateGas('0x00'), 'BAD_TRANSACTION');
    await refused(client.request('tx_get', { hash: '0x00' }), 'BAD_PARAMS');
    await refused(client.request('tx_getReceipt', { hash: 'nope' as never }), 'BAD_PARAMS');
    await refused(client.request('chain_getBlock', { height: '-1' }), 'BAD_PARAMS');
  });

  it('contract_call, contract_getInterface, events_query, state_get, state_getProof', async () => {
    const counter = await deployCounter();
    const receipt = await devSigner(client, 0).send({ kind: 'call', to: counter, method: 'increment' });
    expect(receipt).toMatchObject({ status: 'ok', logs: ['hello'] });
    expect(receipt.returnData).toEqual(Uint8Array.from([0x65, 0, 0, 0, 0, 0, 0, 0]));

    const call = await client.call({ contract: counter, method: 'get' });
    expect(call).toMatchObject({ status: 'ok', error: null, returnData: receipt.returnData });
    const missing = await client.call({ contract: counter, method: 'nope' });
    expect(missing.status).not.toBe('ok');
    expect(missing.error?.code).toBeTruthy();
    await refused(client.request('contract_call', { contract: counter } as never), 'BAD_PARAMS');

    expect(await client.getInterface(counter)).toBeNull(); // assembled without a gasket:interface section
    await refused(client.getInterface(devAccount(0).address), 'NO_CONTRACT', -32023);

    const events = await client.queryEvents({ contract: counter, topic: 'inc' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ contract: counter, txHash: receipt.txHash, blockHeight: receipt.blockHeight });
    expect(new TextDecoder().decode(events[0]!.topic)).toBe('inc');
    expect(await client.queryEvents({ contract: counter, topic: 'other' })).toEqual([]);
    await refused(client.queryEvents({ fromHeight: 5n, toHeight: 1n }), 'BAD_PARAMS');

    const key = `0x01${counter.slice(2)}` as const;
    const value = await client.getState(key);
    expect(value).toBeInstanceOf(Uint8Array);
    expect(await client.getState('0x01ff')).toBeNull();
    await refused(client.request('state_get', { key: 'zz' as never }), 'BAD_PARAMS');

    const proof = await client.getProof({ key });
    expect(proof).toMatchObject({ verified: true, value });
    expect(proof.root).toBe((await client.getHead()).stateRoot);
    await refused(client.getProof({ key, height: 10n ** 9n }), 'NOT_FOUND', -32020);
  });

  it('subscribe and unsubscribe (WebSocket), refused over HTTP', async () => {
    const blocks: bigint[] = [];
    const subscription = await client.watchBlocks((block) => blocks.push(block.height));
    const events: string[] = [];
    const counter = await deployCounter();
    const eventSubscription = await client.watchEvents({ contract: counter }, (event) =>
      events.push(new TextDecoder().decode(event.topic)),
    );
    const mined = await client.dev.mine();
    await devSigner(client, 0).send({ kind: 'call', to: counter, method: 'increment' });
    await waitFor(() => blocks.includes(mined.height) && events.length === 1);
    expect(events).toEqual(['inc']);
    expect(subscription.id).toMatch(/^0x/);
    await subscription.close();
    await eventSubscription.close();
    await refused(client.request('subscribe', { kind: 'blocks' }), 'BAD_PARAMS');
    expect(await client.request('unsubscribe', { subscription: subscription.id })).toBe(false);
    await refused(client.request('unsubscribe', {} as never), 'BAD_PARAMS');
    const dead = createClient({ url: 'http://127.0.0.1:1/' });
    expect((await rejection(dead.watchBlocks(() => undefined))).code).toBe('UNREACHABLE');
  });

  it('dev_sendUnsigned, dev_mine, dev_setAutomine, dev_setTime, dev_increaseTime', async () => {
    const hash = await client.dev.sendUnsigned({ from: 4, kind: 'transfer', to: devAccount(5).address, value: 1 });
    expect((await client.getReceipt(hash))?.status).toBe('ok');
    await refused(client.dev.sendUnsigned({ from: 99, kind: 'transfer', to: devAccount(5).address }), 'BAD_PARAMS');

    const head = await client.getHead();
    expect((await client.dev.mine(2)).height).toBe(head.height + 2n);
    await refused(client.dev.mine(5_000n), 'BAD_PARAMS');

    expect(await client.dev.setAutomine(false)).toBe(false);
    try {
      const pending = await client.dev.sendUnsigned({ from: 4, kind: 'transfer', to: devAccount(5).address });
      expect(await client.getReceipt(pending)).toBeNull();
      expect((await client.getTransaction(pending))?.blockHeight).toBeNull();
      const now = (await client.getHead()).timestamp;
      await client.dev.setNextTimestamp(now + 500n);
      const block = await client.dev.mine();
      expect(block.timestamp).toBe(now + 500n);
      expect(block.transactions).toEqual([pending]);
      await client.dev.increaseTime(60);
      expect((await client.dev.mine()).timestamp).toBe(now + 561n);
      await refused(client.dev.setNextTimestamp(1), 'BAD_PARAMS');
      await refused(client.request('dev_increaseTime', { seconds: '-1' }), 'BAD_PARAMS');
    } finally {
      expect(await client.dev.setAutomine(true)).toBe(true);
    }
    await refused(client.request('dev_setAutomine', { enabled: 'yes' as never }), 'BAD_PARAMS');
  });

  it('dev_snapshot, dev_revert, dev_setBalance', async () => {
    const address = toHex(devAccount(6).address);
    const id = await client.dev.snapshot();
    const before = await client.getHead();
    await client.dev.setBalance(address, 42n);
    await client.dev.mine();
    expect(await client.getBalance(address)).toBe(42n);
    expect(await client.dev.revert(id)).toEqual(before);
    expect(await client.getBalance(address)).toBe(10n ** 24n);
    await refused(client.dev.revert(id), 'NO_SNAPSHOT', -32022);
    await refused(client.dev.setBalance(address, 1n << 128n), 'BAD_PARAMS');
  });

  it('signers: a fresh key, concurrent sends with automine off, failing estimates refused', async () => {
    const keys = generateKeyPair();
    const signer = createSigner(client, toHex(keys.secretKey));
    expect(signer.address).toBe(toHex(keys.address));
    await client.dev.setBalance(signer.address, 10n ** 12n);
    await client.dev.mine();
    expect((await signer.transfer({ to: devAccount(7).address, value: 3n })).status).toBe('ok');

    await client.dev.setAutomine(false);
    try {
      const first = signer.transfer({ to: devAccount(7).address, value: 1n });
      const second = signer.transfer({ to: devAccount(7).address, value: 2n });
      await waitFor(() => devnet.chain.pending.length === 2);
      await client.dev.mine();
      const receipts = await Promise.all([first, second]);
      expect(receipts.map((r) => r.status)).toEqual(['ok', 'ok']);
      expect(receipts[0]!.blockHeight).toBe(receipts[1]!.blockHeight);
    } finally {
      await client.dev.setAutomine(true);
    }
    expect((await client.getAccount(signer.address)).nonce).toBe(3n);

    const counter = await deployCounter();
    const failing = await rejection(signer.send({ kind: 'call', to: counter, method: 'incrementThenRevert' }));
    expect(failing).toBeInstanceOf(ClientError);
    expect(failing.code).toBe('EXECUTION_FAILED');
    const sent = await signer.send({ kind: 'call', to: counter, method: 'incrementThenRevert', gas: 1_000_000n });
    expect(sent).toMatchObject({ status: 'revert', error: { code: 'REVERT' } });
    await refused(
      createSigner(client, generateKeyPair().secretKey).transfer({ to: signer.address, value: 1n }),
      'INSUFFICIENT_FUNDS',
    );
  });

  it('dev_reset goes back to genesis', async () => {
    const genesis = await client.getBlock({ height: 0 });
    expect(await client.dev.reset()).toEqual(genesis);
    expect(await client.getHead()).toEqual(genesis);
    await refused(client.request('dev_reset', NOT_AN_OBJECT), 'BAD_PARAMS');
  });

  it('unknown methods, and a node that is not there', async () => {
    await refused(client.request('nope' as never), 'METHOD_NOT_FOUND', -32601);
    const dead = createClient({ url: 'http://127.0.0.1:1/' });
    const error = await rejection(dead.getChainId());
    expect(error).toBeInstanceOf(ClientError);
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toBe('cannot reach the devnet at http://127.0.0.1:1/: start it with npm start');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
