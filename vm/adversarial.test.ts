import { beforeEach, describe, expect, it } from 'vitest';
import { CURRENT_SCHEDULE, DEFAULT_LIMITS } from '../metering/index.js';
import { openState, type StateStore, storagePrefix } from '../state/index.js';
import { HOST_IMPORTS_WAT, loadWat, wat } from '../test/index.js';
import { readAccount, Vm, writeAccount } from './index.js';

await loadWat();
const ALICE = new Uint8Array(32).fill(0xa1);
const BLOCK = { height: 1n, timestamp: 0n };
const GAS = 50_000_000n;

const contract = (body: string, imports = '') =>
  wat(`(module ${HOST_IMPORTS_WAT} ${imports} (memory (export "memory") 1) ${body})`);

let state: StateStore;
let vm: Vm;
beforeEach(async () => {
  state = await openState({ inMemory: true });
  vm = new Vm({ state });
  writeAccount(state, ALICE, { balance: 1_000_000n, nonce: 0n, codeHash: undefined });
});

function deploy(code: Uint8Array, nonce = 0n): Uint8Array {
  const result = vm.deploy({ code, deployer: ALICE, nonce, gasLimit: GAS, block: BLOCK });
  expect(result.status, result.error?.message).toBe('ok');
  return result.address;
}

function run(address: Uint8Array, method: string, args?: Uint8Array, gasLimit = GAS) {
  return vm.execute({ contract: address, method, args, caller: ALICE, gasLimit, block: BLOCK });
}

describe('adversarial contracts end in a deterministic error', () => {
  it('infinite loop: out of gas, whole limit used, twice the same', () => {
    const address = deploy(contract('(func (export "run") (loop $l (br $l)))'));
    const a = run(address, 'run');
    expect(a).toMatchObject({ status: 'out_of_gas', gasUsed: GAS });
    expect(run(address, 'run')).toEqual(a);
  });

  it('deep recursion: the stack limit, not V8s', () => {
    const address = deploy(contract('(func $r (export "run") (call $r))'));
    expect(run(address, 'run')).toMatchObject({ status: 'trap', error: { code: 'STACK_LIMIT' } });
  });

  it('call-depth bomb: a contract calling itself stops at the depth limit and unwinds cleanly', () => {
    // calls itself with its own address (from self_address) until a call fails, then returns the depth it reached
    const address = deploy(
      contract(
        `(data (i32.const 100) "run")
      (func (export "run") (local $status i32)
        (call $self (i32.const 0))
        (local.set $status (call $call (i32.const 0) (i32.const 100) (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 200) (i64.const 0)))
        (i32.store (i32.const 300) (local.get $status))
        (call $ret (i32.const 300) (i32.const 4)))`,
        '(import "gasket" "self_address" (func $self (param i32)))',
      ),
    );
    const result = run(address, 'run');
    expect(result.status).toBe('ok');
    expect([...result.returnData]).toEqual([0, 0, 0, 0]);
    expect(run(address, 'run')).toEqual(result);
  });

  it('re-entrancy drain attempt: a reverted nested withdrawal moves nothing', () => {
    // "vault.withdraw" pays 10 to the caller, then calls the caller back; the attacker re-enters withdraw and finally reverts
    const vault = deploy(
      contract(
        `(data (i32.const 100) "attack")
        (func (export "withdraw") (local $status i32)
          (call $callerOf (i32.const 0)) (i64.store (i32.const 40) (i64.const 10))
          (if (call $transfer (i32.const 0) (i32.const 40)) (then (call $revert (i32.const 100) (i32.const 6))))
          (drop (call $call (i32.const 0) (i32.const 100) (i32.const 6) (i32.const 0) (i32.const 0) (i32.const 60) (i64.const 0))))`,
        '(import "gasket" "caller" (func $callerOf (param i32)))',
      ),
      0n,
    );
    const attacker = deploy(
      contract(`(data (i32.const 0) "${[...vault].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}")
        (data (i32.const 100) "withdraw")
        (func (export "attack")
          (drop (call $call (i32.const 0) (i32.const 100) (i32.const 8) (i32.const 0) (i32.const 0) (i32.const 60) (i64.const 0)))
          (call $revert (i32.const 100) (i32.const 8)))`),
      1n,
    );
    writeAccount(state, vault, { ...readAccount(state, vault), balance: 1_000n });
    const result = run(attacker, 'attack');
    expect(result.status).toBe('revert');
    expect(readAccount(state, vault).balance).toBe(1_000n);
    expect(readAccount(state, attacker).balance).toBe(0n);
  });

  it('memory bomb: memory.grow past the cap fails, and growing to the cap is charged per page', () => {
    const toCap = DEFAULT_LIMITS.maxMemoryPages - 1;
    const address = deploy(
      contract(`(func (export "run") (i32.store (i32.const 0) (memory.grow (i32.const 1000)))
        (i32.store (i32.const 4) (memory.grow (i32.const ${toCap}))) (call $ret (i32.const 0) (i32.const 8)))`),
    );
    const perPage = BigInt(CURRENT_SCHEDULE.memoryGrowPerPage);
    const perCurrent = BigInt(CURRENT_SCHEDULE.memoryGrowPerCurrentPage ?? 0);
    const requested = BigInt(1000 + toCap);
    const result = run(address, 'run', undefined, perPage * requested + perCurrent * 2n + GAS);
    expect(result.status).toBe('ok');
    expect([...result.returnData]).toEqual([255, 255, 255, 255, 1, 0, 0, 0]);
    expect(result.gasUsed).toBeGreaterThan(perPage * requested);
  });

  it('storage bomb: writes are priced per byte, so a loop of writes runs out of gas', async () => {
    const address = deploy(
      contract(`(func (export "run") (local $i i32)
        (loop $l (i32.store (i32.const 0) (local.get $i))
          (call $swrite (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 65536))
          (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))`),
    );
    expect(run(address, 'run')).toMatchObject({ status: 'out_of_gas', gasUsed: GAS });
    const stored: unknown[] = [];
    for await (const entry of state.entries(storagePrefix(address))) stored.push(entry);
    expect(stored).toEqual([]);
  });

  it('huge return data: over the host limit is a BAD_POINTER trap; within it, it is charged per byte', () => {
    const address = deploy(
      contract(`(func (export "huge") (call $ret (i32.const 0) (i32.const 0x7fffffff)))
        (func (export "page") (call $ret (i32.const 0) (i32.const 65536)))`),
    );
    expect(run(address, 'huge')).toMatchObject({ status: 'trap', error: { code: 'BAD_POINTER' } });
    const page = run(address, 'page');
    expect(page.status).toBe('ok');
    expect(page.returnData.length).toBe(65_536);
    expect(page.gasUsed).toBeGreaterThan(65_536n);
  });

  it('event spam: events are priced, so spam runs out of gas and leaves no events', () => {
    const address = deploy(
      contract(
        `(func (export "run") (loop $l (call $emit (i32.const 0) (i32.const 32) (i32.const 0) (i32.const 60000)) (br $l)))`,
      ),
    );
    expect(run(address, 'run')).toMatchObject({ status: 'out_of_gas', events: [] });
  });
});
