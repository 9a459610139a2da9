/**
 * The dev toolbox over JSON-RPC (Anvil parity): dev_setCode, dev_setStorage, dev_setNonce, dev_impersonate /
 * dev_stopImpersonating with dev_sendUnsigned, dev_dumpState / dev_loadState, and `devMethods: false`. Each
 * method's happy path, and bad input that must be a JSON-RPC error leaving the head and state root unchanged.
 * @module
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_WAT, loadWat, STORE_WAT, wat } from '../test/index.js';
import { createClient } from './client/index.js';
import { pack, toHex } from './codec.js';
import { type Devnet, startDevnet } from './startDevnet.js';

await loadWat();
const COUNTER = wat(COUNTER_WAT);
const STORE = wat(STORE_WAT);

let devnet: Devnet;
let nextId = 1;

async function call(node: Devnet, method: string, params?: Record<string, unknown>): Promise<any> {
  const response = await fetch(node.server.url, {
    method: 'POST',
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
    headers: { 'content-type': 'application/json' },
  });
  return response.json();
}

async function rpc(method: string, params?: Record<string, unknown>, node = devnet): Promise<any> {
  const json = await call(node, method, params);
  if (json.error) throw Object.assign(new Error(json.error.message), { rpc: json.error });
  return json.result;
}

async function rpcError(
  method: string,
  params?: Record<string, unknown>,
  node = devnet,
): Promise<{ code: number; message: string; data?: { code: string } }> {
  const json = await call(node, method, params);
  expect(json.error, `${method} should fail`).toBeDefined();
  return json.error;
}

const ADDRESS = (byte: number) => toHex(new Uint8Array(32).fill(byte));
const hexText = (text: string) => toHex(new TextEncoder().encode(text));
const i64 = (n: bigint) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, n, true);
  return toHex(bytes);
};

async function deploy(code: Uint8Array, args = new Uint8Array(0), node = devnet): Promise<string> {
  const { hash } = await rpc(
    'dev_sendUnsigned',
    { from: 0, kind: 'deploy', code: toHex(code), args: toHex(args) },
    node,
  );
  const receipt = await rpc('tx_getReceipt', { hash }, node);
  expect(receipt.status).toBe('ok');
  return receipt.contractAddress;
}

/** Head hash, and the state as a dump (covers dev writes not yet in a block). */
async function fingerprint(node = devnet): Promise<{ head: string; state: string }> {
  const head = (await rpc('chain_head', {}, node)).hash;
  const { state } = await rpc('dev_dumpState', {}, node);
  return { head, state };
}

async function expectUnchanged(
  method: string,
  params: Record<string, unknown>,
  code?: number,
): Promise<{ code: number; message: string; data?: { code: string } }> {
  const before = await fingerprint();
  const error = await rpcError(method, params);
  if (code !== undefined) expect(error.code).toBe(code);
  expect(await fingerprint()).toEqual(before);
  return error;
}

beforeAll(async () => {
  devnet = await startDevnet({ inMemory: true, port: 0 });
});
afterAll(async () => {
  await devnet.close();
});

describe('dev toolbox', () => {
  it('dev_setCode replaces a contract code, metered as at deploy, keeping balance and nonce', async () => {
    const target = ADDRESS(0x11);
    await rpc('dev_setBalance', { address: target, balance: '777' });
    await rpc('dev_setNonce', { address: target, nonce: '3' });
    const { codeHash } = await rpc('dev_setCode', { address: target, code: toHex(COUNTER) });
    expect(codeHash).toMatch(/^0x[0-9a-f]{64}$/);
    const account = await rpc('account_get', { address: target });
    expect(account).toEqual({ balance: '777', nonce: '3', codeHash });
    // no init ran: "count" is unset, get returns nothing; increment makes it 1
    const { hash } = await rpc('dev_sendUnsigned', { from: 0, kind: 'call', to: target, method: 'increment' });
    expect((await rpc('tx_getReceipt', { hash })).status).toBe('ok');
    expect((await rpc('contract_call', { contract: target, method: 'get' })).returnData).toBe(i64(1n));
    // replace it with STORE: same storage, new code
    const replaced = await rpc('dev_setCode', { address: target, code: toHex(STORE) });
    expect(replaced.codeHash).not.toBe(codeHash);
    expect((await rpc('contract_call', { contract: target, method: 'echo', args: '0xabcd' })).returnData).toBe(
      '0xabcd',
    );
  });

  it('dev_setCode refuses code metering rejects, with its code, and bad params; nothing changes', async () => {
    const notWasm = await expectUnchanged('dev_setCode', { address: ADDRESS(0x12), code: '0x0102' });
    expect(notWasm.code).toBe(-32000);
    expect(notWasm.data?.code).toBe('MALFORMED');
    const floats = wat('(module (func (export "f") (result f64) (f64.const 1)))');
    const rejected = await expectUnchanged('dev_setCode', { address: ADDRESS(0x12), code: toHex(floats) });
    expect(rejected.code).toBe(-32000);
    expect(rejected.data?.code).toBe('FLOAT');
    await expectUnchanged('dev_setCode', { address: '0x12', code: toHex(COUNTER) }, -32602);
    await expectUnchanged('dev_setCode', { address: ADDRESS(0x12) }, -32602);
  });

  it('dev_setStorage sets and removes a key of a contract; bad input changes nothing', async () => {
    const store = await deploy(STORE, new TextEncoder().encode('first'));
    expect((await rpc('contract_call', { contract: store, method: 'get' })).returnData).toBe(hexText('first'));
    expect(await rpc('dev_setStorage', { contract: store, key: hexText('v'), value: hexText('second') })).toBe(true);
    expect((await rpc('contract_call', { contract: store, method: 'get' })).returnData).toBe(hexText('second'));
    expect(await rpc('dev_setStorage', { contract: store, key: hexText('v'), value: null })).toBe(true);
    expect((await rpc('contract_call', { contract: store, method: 'get' })).returnData).toBe('0x');
    await expectUnchanged('dev_setStorage', { contract: store, key: '0x', value: '0x01' }, -32602);
    await expectUnchanged('dev_setStorage', { contract: store, key: toHex(new Uint8Array(1025)), value: '0x01' });
    await expectUnchanged('dev_setStorage', { contract: store, key: '0x76' }, -32602);
    await expectUnchanged('dev_setStorage', { contract: '0x00', key: '0x76', value: '0x01' }, -32602);
  });

  it('dev_setNonce sets an account nonce; bad input changes nothing', async () => {
    const target = ADDRESS(0x13);
    expect(await rpc('dev_setNonce', { address: target, nonce: '42' })).toBe(true);
    expect((await rpc('account_get', { address: target })).nonce).toBe('42');
    await expectUnchanged('dev_setNonce', { address: target, nonce: (1n << 64n).toString() }, -32602);
    await expectUnchanged('dev_setNonce', { address: target, nonce: -1 }, -32602);
    await expectUnchanged('dev_setNonce', { address: '0x13', nonce: '1' }, -32602);
  });

  it('dev_impersonate lets dev_sendUnsigned send as any address without its key, until stopped', async () => {
    const whale = ADDRESS(0x14);
    const to = ADDRESS(0x15);
    await rpc('dev_setBalance', { address: whale, balance: (10n ** 20n).toString() });
    const refused = await expectUnchanged('dev_sendUnsigned', { from: whale, kind: 'transfer', to, value: '5' });
    expect(refused.code).toBe(-32602);
    expect(await rpc('dev_impersonate', { address: whale })).toBe(true);
    const { hash } = await rpc('dev_sendUnsigned', { from: whale, kind: 'transfer', to, value: '5' });
    const receipt = await rpc('tx_getReceipt', { hash });
    expect(receipt.status).toBe('ok');
    expect((await rpc('account_get', { address: to })).balance).toBe('5');
    const tx = await rpc('tx_get', { hash });
    expect(tx.from).toBe(whale);
    // the block records it: the raw transaction decodes back to the same hash, but tx_send refuses it
    const resent = await rpcError('tx_send', { raw: tx.raw });
    expect(resent.data?.code).toMatch(/NONCE_TOO_LOW|BAD_SIGNATURE/);
    // a deployed contract called by the impersonated address
    const store = await deploy(STORE);
    const set = await rpc('dev_sendUnsigned', { from: whale, kind: 'call', to: store, method: 'set', args: '0x09' });
    expect((await rpc('tx_getReceipt', { hash: set.hash })).status).toBe('ok');
    expect(await rpc('dev_stopImpersonating', { address: whale })).toBe(true);
    await expectUnchanged('dev_sendUnsigned', { from: whale, kind: 'transfer', to, value: '5' }, -32602);
    await expectUnchanged('dev_impersonate', { address: '0x14' }, -32602);
    await expectUnchanged('dev_stopImpersonating', {}, -32602);
  });

  it('tx_send refuses an impersonated transaction for an address that is not impersonated', async () => {
    const { impersonatedTransaction } = await import('./transaction.js');
    const from = new Uint8Array(32).fill(0x16);
    await rpc('dev_setBalance', { address: toHex(from), balance: (10n ** 20n).toString() });
    const tx = impersonatedTransaction(
      { kind: 'transfer', chainId: 1337n, nonce: 0n, gasLimit: 100_000n, gasPrice: 1n, value: 1n, to: from },
      from,
    );
    const error = await expectUnchanged('tx_send', { raw: toHex(tx.raw) });
    expect(error.data?.code).toBe('BAD_SIGNATURE');
    await rpc('dev_impersonate', { address: toHex(from) });
    // still refused over tx_send: only dev_sendUnsigned takes the unsigned path
    expect((await expectUnchanged('tx_send', { raw: toHex(tx.raw) })).data?.code).toBe('BAD_SIGNATURE');
    await rpc('dev_stopImpersonating', { address: toHex(from) });
  });

  it('dev_dumpState / dev_loadState round-trip to the same state root, here and on a new devnet', async () => {
    // accounts, a contract with storage, a contract whose code was set (earlier tests), all mined
    const counter = await deploy(COUNTER);
    await rpc('dev_sendUnsigned', { from: 1, kind: 'call', to: counter, method: 'increment' });
    await rpc('dev_setCode', { address: ADDRESS(0x20), code: toHex(COUNTER) });
    await rpc('dev_setStorage', { contract: ADDRESS(0x20), key: hexText('count'), value: i64(41n) });
    await rpc('dev_mine');
    const head = await rpc('chain_head');
    const { state } = await rpc('dev_dumpState');
    expect(state).toMatch(/^0x/);

    const other = await startDevnet({ inMemory: true, port: 0 });
    try {
      await rpc('dev_sendUnsigned', { from: 2, kind: 'transfer', to: ADDRESS(0x30), value: '9' }, other);
      const loaded = await rpc('dev_loadState', { state }, other);
      expect(loaded.stateRoot).toBe(head.stateRoot);
      expect((await rpc('account_get', { address: ADDRESS(0x30) }, other)).balance).toBe('0');
      expect((await rpc('contract_call', { contract: ADDRESS(0x20), method: 'get' }, other)).returnData).toBe(i64(41n));
      expect((await rpc('contract_call', { contract: counter, method: 'get' }, other)).returnData).toBe(i64(101n));
      expect((await rpc('dev_dumpState', {}, other)).state).toBe(state);
    } finally {
      await other.close();
    }

    // load into itself after changes: back to the dumped root
    await rpc('dev_setBalance', { address: ADDRESS(0x31), balance: '1' });
    await rpc('dev_sendUnsigned', { from: 0, kind: 'transfer', to: ADDRESS(0x32), value: '1' });
    const reloaded = await rpc('dev_loadState', { state });
    expect(reloaded.stateRoot).toBe(head.stateRoot);
  });

  it('dev_loadState refuses a foreign, newer, other-chain or malformed dump and changes nothing', async () => {
    const { state } = await rpc('dev_dumpState');
    const newer = toHex(pack(['gasket-state-dump', 2, new Uint8Array(8), []]));
    expect((await expectUnchanged('dev_loadState', { state: newer }, -32602)).message).toMatch(/format 2/);
    await expectUnchanged('dev_loadState', { state: toHex(pack(['something-else', 1])) }, -32602);
    await expectUnchanged('dev_loadState', { state: '0xc1' }, -32602);
    await expectUnchanged('dev_loadState', { state: '0x1' }, -32602);
    const chain = new Uint8Array(8);
    new DataView(chain.buffer).setBigUint64(0, 1n);
    const otherChain = toHex(pack(['gasket-state-dump', 1, chain, []]));
    const wrong = await expectUnchanged('dev_loadState', { state: otherChain });
    expect(wrong.data?.code).toBe('WRONG_CHAIN');
    const badEntry = toHex(pack(['gasket-state-dump', 1, (await import('./codec.js')).u64(1337n), [[1, 2]]]));
    await expectUnchanged('dev_loadState', { state: badEntry }, -32602);
    const badKey = toHex(
      pack(['gasket-state-dump', 1, (await import('./codec.js')).u64(1337n), [[new Uint8Array(0), new Uint8Array(1)]]]),
    );
    await expectUnchanged('dev_loadState', { state: badKey }, -32602);
    expect(state).toMatch(/^0x/);
  });

  it('dev_loadState mines a block of no transactions; pending ones stay in the pool', async () => {
    const { state } = await rpc('dev_dumpState');
    const root = (await rpc('chain_head')).stateRoot;
    await rpc('dev_setAutomine', { enabled: false });
    try {
      const { hash } = await rpc('dev_sendUnsigned', { from: 3, kind: 'transfer', to: ADDRESS(0x40), value: '3' });
      const loaded = await rpc('dev_loadState', { state });
      expect(loaded.stateRoot).toBe(root);
      expect(loaded.txCount ?? loaded.transactions?.length ?? 0).toBe(0);
      expect((await rpc('tx_get', { hash })).blockHeight).toBeNull();
      await rpc('dev_mine');
      expect((await rpc('tx_getReceipt', { hash })).status).toBe('ok');
    } finally {
      await rpc('dev_setAutomine', { enabled: true });
    }
  });

  it('a snapshot taken before dev_loadState reverts it', async () => {
    const { state } = await rpc('dev_dumpState');
    await rpc('dev_sendUnsigned', { from: 4, kind: 'transfer', to: ADDRESS(0x41), value: '4' });
    const before = await rpc('chain_head');
    const { id } = await rpc('dev_snapshot');
    await rpc('dev_loadState', { state });
    expect((await rpc('account_get', { address: ADDRESS(0x41) })).balance).toBe('0');
    expect(await rpc('dev_revert', { id })).toEqual(before);
    expect((await rpc('account_get', { address: ADDRESS(0x41) })).balance).toBe('4');
  });

  it('an impersonated transaction survives a restart of a data-dir devnet and can be traced', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'gasket-dev-')), 'data');
    const whale = ADDRESS(0x50);
    let node = await startDevnet({ dataDir, port: 0 });
    let hash: string;
    let head: string;
    try {
      await rpc('dev_setBalance', { address: whale, balance: (10n ** 20n).toString() }, node);
      await rpc('dev_mine', {}, node); // tx_trace replays from the parent block: the balance must be in it
      await rpc('dev_impersonate', { address: whale }, node);
      ({ hash } = await rpc(
        'dev_sendUnsigned',
        { from: whale, kind: 'transfer', to: ADDRESS(0x51), value: '8' },
        node,
      ));
      head = (await rpc('chain_head', {}, node)).hash;
    } finally {
      await node.close();
    }
    node = await startDevnet({ dataDir, port: 0 });
    try {
      expect((await rpc('chain_head', {}, node)).hash).toBe(head);
      expect((await rpc('tx_get', { hash }, node)).from).toBe(whale);
      expect((await rpc('tx_trace', { hash }, node)).receipt.status).toBe('ok');
      // impersonation is not kept across restarts
      const refused = await rpcError('dev_sendUnsigned', { from: whale, kind: 'transfer', to: whale }, node);
      expect(refused.code).toBe(-32602);
    } finally {
      await node.close();
    }
  });

  it('client.dev actions for the toolbox', async () => {
    const client = createClient({ url: devnet.server.url });
    const target = ADDRESS(0x60);
    const codeHash = await client.dev.setCode(target, STORE);
    expect((await client.getAccount(target)).codeHash).toBe(codeHash);
    await client.dev.setStorage(target, new TextEncoder().encode('v'), '0x0102');
    expect((await client.call({ contract: target, method: 'get' })).returnData).toEqual(new Uint8Array([1, 2]));
    await client.dev.setStorage(target, '0x76', null);
    expect((await client.call({ contract: target, method: 'get' })).returnData).toEqual(new Uint8Array(0));
    await client.dev.setNonce(target, 9n);
    expect((await client.getAccount(target)).nonce).toBe(9n);
    await client.dev.setBalance(target, 10n ** 18n);
    await client.dev.impersonate(target);
    const hash = await client.dev.sendUnsigned({ from: target, kind: 'transfer', to: ADDRESS(0x61), value: 1n });
    expect((await client.getReceipt(hash))?.status).toBe('ok');
    await client.dev.stopImpersonating(target);
    const dump = await client.dev.dumpState();
    expect(dump).toBeInstanceOf(Uint8Array);
    const head = await client.getHead();
    expect((await client.dev.loadState(dump)).stateRoot).toBe(head.stateRoot);
  });

  it('devMethods: false refuses every dev_* method as method not found; the rest still answers', async () => {
    const locked = await startDevnet({ inMemory: true, port: 0, devMethods: false });
    try {
      for (const method of ['dev_accounts', 'dev_setCode', 'dev_dumpState', 'dev_loadState', 'dev_impersonate']) {
        expect((await rpcError(method, {}, locked)).code).toBe(-32601);
      }
      expect(await rpc('chain_id', {}, locked)).toEqual({ chainId: '1337' });
    } finally {
      await locked.close();
    }
  });
});
