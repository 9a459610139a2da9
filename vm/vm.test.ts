import { beforeEach, describe, expect, it } from 'vitest';
import { openState, type StateStore } from '../state/index.js';
import { COUNTER_WAT, loadWat, PROXY_WAT, wat } from '../test/index.js';
import { type CallResult, readAccount, Vm, writeAccount } from './index.js';

const ALICE = new Uint8Array(32).fill(0xa1);
const BOB = new Uint8Array(32).fill(0xb0);
const BLOCK = { height: 7n, timestamp: 1_700_000_000n };
const GAS = 10_000_000n;

await loadWat();
const COUNTER = wat(COUNTER_WAT);
const PROXY = wat(PROXY_WAT);

let state: StateStore;
let vm: Vm;

beforeEach(async () => {
  state = await openState({ inMemory: true });
  vm = new Vm({ state });
  writeAccount(state, ALICE, { balance: 1_000n, nonce: 0n, codeHash: undefined });
});

function deploy(code: Uint8Array, nonce = 0n) {
  const result = vm.deploy({ code, deployer: ALICE, nonce, gasLimit: GAS, block: BLOCK });
  expect(result.status, result.error?.message).toBe('ok');
  return result.address;
}

function call(contract: Uint8Array, method: string, options: Partial<Parameters<Vm['execute']>[0]> = {}): CallResult {
  return vm.execute({ contract, method, caller: ALICE, gasLimit: GAS, block: BLOCK, ...options });
}

const i64 = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getBigInt64(0, true);

describe('execute', () => {
  it('runs init at deploy and methods after, with storage, events, logs and return data', () => {
    const counter = deploy(COUNTER);
    expect(i64(call(counter, 'get').returnData)).toBe(100n);
    const first = call(counter, 'increment');
    expect(first.status).toBe('ok');
    expect(i64(first.returnData)).toBe(101n);
    expect(first.events).toHaveLength(1);
    expect(new TextDecoder().decode(first.events[0]!.topic)).toBe('inc');
    expect(first.logs.map((log) => log.message)).toEqual(['hello']);
    const second = call(counter, 'increment');
    expect(i64(second.returnData)).toBe(102n);
    expect(second.gasUsed).toBe(first.gasUsed);
    expect(first.gasUsed).toBeGreaterThan(0n);
  });

  it('a revert rolls back the frame writes and keeps its message; gas is what ran', () => {
    const counter = deploy(COUNTER);
    const result = call(counter, 'incrementThenRevert');
    expect(result).toMatchObject({ status: 'revert', error: { code: 'REVERT', message: 'too big' } });
    expect(new TextDecoder().decode(result.returnData)).toBe('too big');
    expect(result.gasUsed).toBeLessThan(GAS);
    expect(i64(call(counter, 'get').returnData)).toBe(100n);
  });

  it("AssemblyScript's abort becomes a revert reading msg at file:line:col", () => {
    const counter = deploy(COUNTER);
    expect(call(counter, 'abort')).toMatchObject({
      status: 'revert',
      error: { code: 'ABORT', message: 'oops at c.ts:3:9' },
    });
  });

  it('out of gas consumes the whole limit and changes nothing', () => {
    const counter = deploy(COUNTER);
    const rootBefore = state.get(new Uint8Array(1));
    expect(call(counter, 'spin', { gasLimit: 50_000n })).toMatchObject({ status: 'out_of_gas', gasUsed: 50_000n });
    expect(call(counter, 'increment', { gasLimit: 2_500n })).toMatchObject({ status: 'out_of_gas', gasUsed: 2_500n });
    expect(i64(call(counter, 'get').returnData)).toBe(100n);
    expect(state.get(new Uint8Array(1))).toEqual(rootBefore);
  });

  it('limit = gas used succeeds, limit = used - 1 runs out of gas', () => {
    const counter = deploy(COUNTER);
    const used = call(counter, 'get').gasUsed;
    expect(call(counter, 'get', { gasLimit: used }).status).toBe('ok');
    expect(call(counter, 'get', { gasLimit: used - 1n }).status).toBe('out_of_gas');
  });

  it('a bad pointer traps with BAD_POINTER and the VM stays healthy', () => {
    const counter = deploy(COUNTER);
    expect(call(counter, 'badPointer')).toMatchObject({ status: 'trap', error: { code: 'BAD_POINTER' } });
    expect(call(counter, 'increment').status).toBe('ok');
  });

  it('every call starts from a fresh instance state (memory and globals reset)', () => {
    const counter = deploy(COUNTER);
    const results = [1, 2, 3].map(() => [...call(counter, 'fresh').returnData]);
    expect(results).toEqual([
      [1, 0, 0, 0, 1, 0, 0, 0],
      [1, 0, 0, 0, 1, 0, 0, 0],
      [1, 0, 0, 0, 1, 0, 0, 0],
    ]);
    expect(vm.cache.stats.instancesReused).toBeGreaterThan(0);
  });

  it('a contract with a passive data segment gets a fresh instance every call (data.drop cannot be reset)', () => {
    const code = wat(`(module (import "gasket" "return_data" (func $ret (param i32 i32)))
      (memory (export "memory") 1) (data $p "xyz")
      (func (export "once") (memory.init $p (i32.const 0) (i32.const 0) (i32.const 3)) (data.drop $p)
        (call $ret (i32.const 0) (i32.const 3))))`);
    const address = deploy(code);
    for (let i = 0; i < 3; i++) {
      expect(call(address, 'once')).toMatchObject({ status: 'ok', returnData: new TextEncoder().encode('xyz') });
    }
  });

  it('unknown methods, init after deploy and reserved names are NO_METHOD', () => {
    const counter = deploy(COUNTER);
    for (const method of ['nope', 'init', '__gasket_reset', '']) {
      expect(call(counter, method), method).toMatchObject({ status: 'revert', error: { code: 'NO_METHOD' } });
    }
    expect(call(BOB, 'get')).toMatchObject({ status: 'revert', error: { code: 'NO_CONTRACT' } });
  });

  it('read-only calls trap on writes and allow reads', () => {
    const counter = deploy(COUNTER);
    expect(call(counter, 'get', { readOnly: true }).status).toBe('ok');
    expect(call(counter, 'increment', { readOnly: true })).toMatchObject({
      status: 'trap',
      error: { code: 'READ_ONLY' },
    });
  });

  it('block context reaches the contract', () => {
    const counter = deploy(COUNTER);
    expect(i64(call(counter, 'height').returnData)).toBe(7n);
  });

  it('value and transfers move balances; a failed frame moves nothing', () => {
    const counter = deploy(COUNTER);
    expect(call(counter, 'get', { value: 30n }).status).toBe('ok');
    expect(readAccount(state, counter).balance).toBe(30n);
    expect(call(counter, 'pay', { args: BOB }).status).toBe('ok');
    expect(readAccount(state, BOB).balance).toBe(5n);
    expect(readAccount(state, counter).balance).toBe(25n);
    expect(call(counter, 'get', { value: 10_000n })).toMatchObject({
      status: 'revert',
      error: { code: 'INSUFFICIENT_BALANCE' },
    });
    expect(readAccount(state, ALICE).balance).toBe(970n);
  });

  it('deploy rejects what metering rejects, with its code', () => {
    const result = vm.deploy({
      code: wat('(module (memory (export "memory") 1) (func (export "f") (drop (f32.const 1))))'),
      deployer: ALICE,
      nonce: 1n,
      gasLimit: GAS,
      block: BLOCK,
    });
    expect(result).toMatchObject({ status: 'trap', error: { code: 'FLOAT' } });
  });
});

describe('cross-contract calls', () => {
  const target = (address: Uint8Array, method: string) =>
    new Uint8Array([...address, ...new TextEncoder().encode(method)]);

  it('a nested call commits with the caller; its events join the caller', () => {
    const counter = deploy(COUNTER, 0n);
    const proxy = deploy(PROXY, 1n);
    const result = call(proxy, 'forward', { args: target(counter, 'increment') });
    expect(result.status).toBe('ok');
    expect([...result.returnData]).toEqual([0, 0, 0, 0]);
    expect(result.events).toHaveLength(1);
    expect(i64(call(counter, 'get').returnData)).toBe(101n);
  });

  it('a nested revert rolls back only the nested frame; the caller continues', () => {
    const counter = deploy(COUNTER, 0n);
    const proxy = deploy(PROXY, 1n);
    const result = call(proxy, 'forward', { args: target(counter, 'incrementThenRevert') });
    expect(result.status).toBe('ok');
    expect([...result.returnData]).toEqual([1, 0, 0, 0]);
    expect(i64(call(counter, 'get').returnData)).toBe(100n);
    const failed = call(proxy, 'forward', { args: target(counter, 'spin') });
    expect(failed.status).toBe('ok');
    expect([...failed.returnData]).toEqual([2, 0, 0, 0]);
  });

  it('re-entrancy (proxy -> proxy -> counter) and a depth bomb end deterministically', () => {
    const counter = deploy(COUNTER, 0n);
    const proxy = deploy(PROXY, 1n);
    const inner = target(counter, 'increment');
    const nested = new Uint8Array([...proxy, ...new TextEncoder().encode('forward')]);
    // proxy.forward(proxy, "forward") calls itself with the same input: unbounded self-recursion across frames
    const bomb = call(proxy, 'forward', { args: nested });
    expect(bomb.status).toBe('ok');
    const again = call(proxy, 'forward', { args: nested });
    expect(again.gasUsed).toBe(bomb.gasUsed);
    expect(call(proxy, 'forward', { args: inner }).status).toBe('ok');
  });
});
