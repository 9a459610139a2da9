import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openState } from '../../state/index.js';
import { COUNTER_WAT, callSummary, loadWat, PROXY_WAT, wat } from '../../test/index.js';
import { ModuleCache, referenceEngine, Vm, v8Engine, type WasmEngine, writeAccount } from '../index.js';

await loadWat();
const COUNTER = wat(COUNTER_WAT);
const PROXY = wat(PROXY_WAT);
const ALICE = new Uint8Array(32).fill(0xa1);
const BLOCK = { height: 3n, timestamp: 1_000n };
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function chainOn(engine: WasmEngine, codes: Uint8Array[]) {
  const state = await openState({ inMemory: true });
  writeAccount(state, ALICE, { balance: 10n ** 9n, nonce: 0n, codeHash: undefined });
  const vm = new Vm({ state, engine });
  const addresses = codes.map((code, i) => {
    const deployed = vm.deploy({ code, deployer: ALICE, nonce: BigInt(i), gasLimit: 10n ** 8n, block: BLOCK });
    expect(deployed.status, deployed.error?.message).toBe('ok');
    return deployed.address;
  });
  return { state, vm, addresses };
}

describe('the reference engine runs instrumented contracts exactly as V8 does', () => {
  it('random call sequences (nested calls, reverts, out of gas, traps) give the same results, gas and roots', async () => {
    const methods = ['increment', 'get', 'incrementThenRevert', 'fresh', 'spin', 'badPointer', 'abort', 'height'];
    const call = fc.record({
      method: fc.constantFrom(...methods, 'forward:increment', 'forward:incrementThenRevert', 'forward:spin'),
      gas: fc.constantFrom(300_000n, 200_000n, 3_000n, 2_100n),
      value: fc.constantFrom(0n, 0n, 7n),
      readOnly: fc.boolean(),
    });
    const statuses = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), async (calls) => {
        const chains = [await chainOn(v8Engine, [COUNTER, PROXY]), await chainOn(referenceEngine, [COUNTER, PROXY])];
        for (const c of calls) {
          const [method, forwardTo] = c.method.split(':') as [string, string | undefined];
          const [v8, ref] = chains.map(({ vm, addresses: [counter, proxy] }) =>
            vm.execute({
              contract: forwardTo ? proxy! : counter!,
              method: forwardTo ? 'forward' : method,
              args: forwardTo ? new Uint8Array([...counter!, ...new TextEncoder().encode(forwardTo)]) : undefined,
              caller: ALICE,
              value: c.value,
              gasLimit: c.gas,
              block: BLOCK,
              readOnly: c.readOnly,
            }),
          );
          statuses.add(v8!.status);
          expect(callSummary(ref!)).toEqual(callSummary(v8!));
        }
        const [a, b] = await Promise.all(chains.map((c) => c.state.commitBlock()));
        expect(hex(b!.root)).toBe(hex(a!.root));
        await Promise.all(chains.map((c) => c.state.close()));
      }),
      { numRuns: 25 },
    );
    expect([...statuses].sort()).toEqual(['ok', 'out_of_gas', 'revert', 'trap']);
  });

  it('every kind of wasm trap gets the same receipt words on both engines', async () => {
    const traps = wat(`(module
      (type $v (func))
      (type $i (func (result i32)))
      (import "gasket" "return_data" (func $ret (param i32 i32)))
      (memory (export "memory") 1 1)
      (table 3 funcref)
      (elem (i32.const 0) $unreach)
      (func $unreach (unreachable))
      (func (export "unreachable") (call $unreach))
      (func (export "outOfBounds") (drop (i32.load (i32.const 65535))))
      (func (export "divideByZero") (drop (i32.div_u (i32.const 1) (i32.const 0))))
      (func (export "remainderByZero") (drop (i64.rem_s (i64.const 1) (i64.const 0))))
      (func (export "overflow") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))
      (func (export "nullElement") (call_indirect (type $v) (i32.const 1)))
      (func (export "signature") (drop (call_indirect (type $i) (i32.const 0))))
      (func (export "outsideTable") (call_indirect (type $v) (i32.const 7)))
      (func (export "fillOutOfBounds") (memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000))))`);
    const names = [
      'unreachable',
      'outOfBounds',
      'divideByZero',
      'remainderByZero',
      'overflow',
      'nullElement',
      'signature',
      'outsideTable',
      'fillOutOfBounds',
    ];
    const chains = [await chainOn(v8Engine, [traps]), await chainOn(referenceEngine, [traps])];
    const words = new Set<string>();
    for (const method of names) {
      const [v8, ref] = chains.map(({ vm, addresses: [contract] }) =>
        vm.execute({ contract: contract!, method, caller: ALICE, gasLimit: 10_000_000n, block: BLOCK }),
      );
      expect(v8!.status, method).toBe('trap');
      expect(callSummary(ref!), method).toEqual(callSummary(v8!));
      words.add(v8!.error!.message);
    }
    // Six distinct causes (division and remainder by zero share words, as do the two out-of-bounds accesses and a
    // null element and a mismatched signature, as in V8): none fell through to the catch-all.
    expect(words.size).toBe(6);
    expect(words).not.toContain('wasm trap: trap');
  });

  it('a module cache and an engine that disagree are refused', async () => {
    const state = await openState({ inMemory: true });
    expect(() => new Vm({ state, cache: new ModuleCache(), engine: referenceEngine })).toThrow(/runs on v8/);
  });
});
