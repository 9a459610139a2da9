import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { COUNTER_WAT, loadWat, wat } from '../test/index.js';
import { toHex } from './codec.js';
import { devAccount } from './keys.js';
import { type Devnet, startDevnet } from './startDevnet.js';
import { signTransaction } from './transaction.js';

await loadWat();
const COUNTER = wat(COUNTER_WAT);

let devnet: Devnet;
let nextId = 1;

async function rpcRaw(body: string): Promise<{ status: number; json: any }> {
  const response = await fetch(devnet.server.url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function rpc(method: string, params?: Record<string, unknown>): Promise<any> {
  const { json } = await rpcRaw(JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }));
  if (json.error) throw Object.assign(new Error(json.error.message), { rpc: json.error });
  return json.result;
}

async function rpcError(
  method: string,
  params?: Record<string, unknown>,
): Promise<{ code: number; message: string; data?: { code: string } }> {
  const { json } = await rpcRaw(JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }));
  expect(json.error, `${method} should fail`).toBeDefined();
  return json.error;
}

async function deployCounter(): Promise<string> {
  const { hash } = await rpc('dev_sendUnsigned', { from: 0, kind: 'deploy', code: toHex(COUNTER) });
  const receipt = await rpc('tx_getReceipt', { hash });
  expect(receipt.status).toBe('ok');
  return receipt.contractAddress;
}

beforeAll(async () => {
  devnet = await startDevnet({ inMemory: true, port: 0 });
});
afterAll(async () => {
  await devnet.close();
});

describe('devnet over JSON-RPC', () => {
  it('answers chain and account queries; dev accounts are funded and the same on every devnet', async () => {
    expect(await rpc('chain_id')).toEqual({ chainId: '1337' });
    const head = await rpc('chain_head');
    expect(head.height).toBe('0');
    const accounts = await rpc('dev_accounts');
    expect(accounts).toHaveLength(10);
    expect(accounts[0].address).toBe(toHex(devAccount(0).address));
    const account = await rpc('account_get', { address: accounts[1].address });
    expect(account).toEqual({ balance: '1000000000000000000000000', nonce: '0', codeHash: null });
  });

  it('deploys a contract and calls it; receipts, blocks, transactions, events and read-only calls agree', async () => {
    const counter = await deployCounter();
    const { hash } = await rpc('dev_sendUnsigned', { from: 0, kind: 'call', to: counter, method: 'increment' });
    const receipt = await rpc('tx_getReceipt', { hash });
    expect(receipt).toMatchObject({ status: 'ok', returnData: '0x6500000000000000', logs: ['hello'] });
    expect(receipt.events).toEqual([
      { contract: counter, topic: toHex(new TextEncoder().encode('inc')), data: '0x6500000000000000' },
    ]);
    const block = await rpc('chain_getBlock', { height: receipt.blockHeight, full: true });
    expect(block.hash).toBe(receipt.blockHash);
    expect(block.transactions[0].hash).toBe(hash);
    expect(await rpc('chain_getBlock', { hash: block.hash })).toMatchObject({ height: block.height });
    expect(await rpc('tx_get', { hash })).toMatchObject({
      hash,
      kind: 'call',
      method: 'increment',
      blockHeight: block.height,
    });
    const call = await rpc('contract_call', { contract: counter, method: 'get' });
    expect(call).toMatchObject({ status: 'ok', returnData: '0x6500000000000000' });
    const events = await rpc('events_query', { contract: counter });
    expect(events).toHaveLength(1);
    const account = await rpc('account_get', { address: counter });
    expect(account.codeHash).toMatch(/^0x[0-9a-f]{64}$/);
    const proof = await rpc('state_getProof', { key: `0x01${counter.slice(2)}` });
    expect(proof.verified).toBe(true);
    expect(proof.root).toBe((await rpc('chain_head')).stateRoot);
  });

  it('accepts a transaction signed by the client, and charges fees for gas used', async () => {
    const sender = devAccount(2);
    const to = devAccount(3).address;
    const before = BigInt((await rpc('account_get', { address: toHex(sender.address) })).balance);
    const tx = signTransaction(
      { kind: 'transfer', chainId: 1337n, nonce: 0n, gasLimit: 100_000n, gasPrice: 2n, value: 5n, to },
      sender.secretKey,
      sender.publicKey,
    );
    const estimate = await rpc('tx_estimateGas', { raw: toHex(tx.raw) });
    const { hash } = await rpc('tx_send', { raw: toHex(tx.raw) });
    const receipt = await rpc('tx_getReceipt', { hash });
    expect(receipt.status).toBe('ok');
    expect(receipt.gasUsed).toBe(estimate.gasUsed);
    const after = BigInt((await rpc('account_get', { address: toHex(sender.address) })).balance);
    expect(before - after).toBe(5n + 2n * BigInt(receipt.gasUsed));
    // replaying the same transaction is refused, and nothing changes
    expect((await rpcError('tx_send', { raw: toHex(tx.raw) })).data?.code).toBe('NONCE_TOO_LOW');
    expect(BigInt((await rpc('account_get', { address: toHex(sender.address) })).balance)).toBe(after);
  });

  it('refuses bad transactions with typed errors and keeps state untouched', async () => {
    const sender = devAccount(4);
    const headBefore = await rpc('chain_head');
    const base = {
      kind: 'transfer' as const,
      chainId: 1337n,
      nonce: 0n,
      gasLimit: 100_000n,
      gasPrice: 1n,
      value: 1n,
      to: sender.address,
    };
    const good = signTransaction(base, sender.secretKey, sender.publicKey);
    const tampered = new Uint8Array(good.raw);
    tampered[tampered.length - 1]! ^= 1;
    expect((await rpcError('tx_send', { raw: toHex(tampered) })).data?.code).toBe('BAD_SIGNATURE');
    const wrongChain = signTransaction({ ...base, chainId: 1n }, sender.secretKey, sender.publicKey);
    expect((await rpcError('tx_send', { raw: toHex(wrongChain.raw) })).data?.code).toBe('WRONG_CHAIN');
    const gap = signTransaction({ ...base, nonce: 5n }, sender.secretKey, sender.publicKey);
    expect((await rpcError('tx_send', { raw: toHex(gap.raw) })).data?.code).toBe('NONCE_TOO_HIGH');
    const rich = signTransaction({ ...base, value: 10n ** 30n }, sender.secretKey, sender.publicKey);
    expect((await rpcError('tx_send', { raw: toHex(rich.raw) })).data?.code).toBe('INSUFFICIENT_FUNDS');
    const tiny = signTransaction({ ...base, gasLimit: 10n }, sender.secretKey, sender.publicKey);
    expect((await rpcError('tx_send', { raw: toHex(tiny.raw) })).data?.code).toBe('GAS_LIMIT');
    expect((await rpcError('tx_send', { raw: '0x1234' })).data?.code).toBe('BAD_TRANSACTION');
    expect(await rpc('chain_head')).toEqual(headBefore);
  });

  it('speaks JSON-RPC 2.0: parse errors, invalid requests, unknown methods, bad params, batches, size limits', async () => {
    expect((await rpcRaw('{nope')).json.error.code).toBe(-32700);
    expect((await rpcRaw('{"jsonrpc":"1.0","id":1,"method":"chain_id"}')).json.error.code).toBe(-32600);
    expect((await rpcError('no_such_method')).code).toBe(-32601);
    expect((await rpcError('account_get', { address: 'bob' })).code).toBe(-32602);
    expect((await rpcError('account_get', { address: '0x12' })).message).toContain('32 bytes');
    const batch = await rpcRaw(
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'chain_id' },
        { jsonrpc: '2.0', id: 2, method: 'nope' },
      ]),
    );
    expect(batch.json.map((r: any) => [r.id, r.result?.chainId ?? r.error.code])).toEqual([
      [1, '1337'],
      [2, -32601],
    ]);
    const big = await rpcRaw(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_id', params: { pad: 'x'.repeat(6 * 1024 * 1024) } }),
    );
    expect(big.status).toBe(413);
    expect(await rpc('chain_id')).toEqual({ chainId: '1337' });
  });

  it('snapshot and revert return the chain to an earlier block', async () => {
    const counter = await deployCounter();
    const { id } = await rpc('dev_snapshot');
    const before = await rpc('chain_head');
    await rpc('dev_sendUnsigned', { from: 0, kind: 'call', to: counter, method: 'increment' });
    expect((await rpc('contract_call', { contract: counter, method: 'get' })).returnData).toBe('0x6500000000000000');
    await rpc('dev_revert', { id });
    expect(await rpc('chain_head')).toEqual(before);
    expect((await rpc('contract_call', { contract: counter, method: 'get' })).returnData).toBe('0x6400000000000000');
    expect((await rpcError('dev_revert', { id })).data?.code).toBe('NO_SNAPSHOT');
  });

  it('manual mining with automine off, and time controls', async () => {
    await rpc('dev_setAutomine', { enabled: false });
    const head = await rpc('chain_head');
    const { hash } = await rpc('dev_sendUnsigned', {
      from: 5,
      kind: 'transfer',
      to: toHex(devAccount(6).address),
      value: '1',
    });
    expect(await rpc('tx_getReceipt', { hash })).toBeNull();
    await rpc('dev_setTime', { timestamp: (BigInt(head.timestamp) + 1000n).toString() });
    const mined = await rpc('dev_mine');
    expect(mined.timestamp).toBe((BigInt(head.timestamp) + 1000n).toString());
    expect((await rpc('tx_getReceipt', { hash })).status).toBe('ok');
    await rpc('dev_increaseTime', { seconds: '60' });
    const next = await rpc('dev_mine');
    expect(BigInt(next.timestamp) - BigInt(mined.timestamp)).toBe(61n);
    await rpc('dev_setAutomine', { enabled: true });
  });

  it('streams new blocks and events over WebSocket subscriptions', async () => {
    const counter = await deployCounter();
    const socket = new WebSocket(devnet.server.wsUrl);
    await new Promise((resolve) => socket.once('open', resolve));
    const messages: any[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    const send = (id: number, method: string, params: object) =>
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    send(1, 'subscribe', { kind: 'blocks' });
    send(2, 'subscribe', { kind: 'events', contract: counter });
    await waitFor(() => messages.filter((m) => m.id).length === 2);
    await rpc('dev_sendUnsigned', { from: 0, kind: 'call', to: counter, method: 'increment' });
    await waitFor(() => messages.filter((m) => m.method === 'subscription').length >= 2);
    const notes = messages.filter((m) => m.method === 'subscription').map((m) => m.params);
    expect(notes.some((n) => n.result.height !== undefined)).toBe(true);
    expect(notes.some((n) => n.result.contract === counter)).toBe(true);
    socket.close();
  });
});

describe('persistence', () => {
  it('a restarted devnet resumes at the same block with the same roots', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'gasket-devnet-')), 'data');
    const first = await startDevnet({ dataDir, port: 0 });
    const account = devAccount(0);
    for (let nonce = 0n; nonce < 3n; nonce++) {
      const tx = signTransaction(
        {
          kind: 'transfer',
          chainId: 1337n,
          nonce,
          gasLimit: 100_000n,
          gasPrice: 1n,
          value: 7n,
          to: devAccount(9).address,
        },
        account.secretKey,
        account.publicKey,
      );
      await first.chain.submit(tx.raw);
    }
    const head = first.chain.head;
    await first.close();
    const second = await startDevnet({ dataDir, port: 0 });
    expect(toHex(second.chain.head.hash)).toBe(toHex(head.hash));
    expect(toHex(second.chain.head.header.stateRoot)).toBe(toHex(head.header.stateRoot));
    expect(second.chain.head.header.height).toBe(3n);
    await second.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
