/**
 * Gas bounds work: a call given G gas executes O(G) instructions, whatever the shape of its code. Measured by
 * running the INSTRUMENTED module on the reference interpreter, which counts executed instructions (`steps`) and
 * stops past a budget of STEPS_PER_GAS x G + SLACK. Shapes that defeat deferred out-of-gas checks: a binary tree of
 * recursive calls (fib), an acyclic chain of functions each calling the next twice (2^n calls, no loop, no
 * recursion), mutual recursion through call_indirect, and random modules from the oracle's generator.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instrument, METERING_EXPORTS } from '../metering/index.js';
import { decodeReferenceModule, ReferenceMachine, ReferenceTrap } from '../vm/index.js';
import { arbitraryModule, assembleModule, HOST_IMPORT, hostFunction, loadAssembler, loadWat, wat } from './index.js';

await loadWat();
await loadAssembler();

/** Generous: instrumented code executes a few instructions per unit of gas at most. */
const STEPS_PER_GAS = 20;
const SLACK = 20_000;

/** Runs export `name` of the instrumented `code` with `gas`; the outcome and the instructions executed. */
function runWithGas(code: Uint8Array, name: string, gas: bigint, args: (number | bigint)[] = []) {
  const module = decodeReferenceModule(code);
  const maxSteps = STEPS_PER_GAS * Number(gas) + SLACK;
  const host = ([x]: (number | bigint)[]) => [hostFunction(x as bigint).result];
  const machine = new ReferenceMachine(module, {
    maxSteps,
    maxCallDepth: 1_000_000,
    imports: { [HOST_IMPORT.module]: { [HOST_IMPORT.name]: host } },
  });
  machine.instantiate();
  machine.globals[module.exports.get(METERING_EXPORTS.gas)!.index] = gas;
  try {
    machine.invoke(module.exports.get(name)!.index, args);
    return { outcome: 'return', steps: machine.steps };
  } catch (error) {
    if (!(error instanceof ReferenceTrap)) throw error;
    return { outcome: error.message, steps: machine.steps };
  }
}

const FIB = wat(`(module
  (memory (export "memory") 1)
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1))) (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "run") (drop (call $fib (i32.const 60)))))`);

const DOUBLING = wat(`(module
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (func $f0 (global.set $g (i32.add (global.get $g) (i32.const 1))))
  ${Array.from({ length: 60 }, (_, i) => `(func $f${i + 1} (call $f${i}) (call $f${i}))`).join('\n  ')}
  (func (export "run") (call $f60)))`);

const INDIRECT = wat(`(module
  (type $t (func (param i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $a $b)
  (func $a (param $n i32)
    (if (local.get $n) (then
      (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 1))
      (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 1)))))
  (func $b (param $n i32)
    (if (local.get $n) (then
      (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0))
      (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)))))
  (func (export "run") (call $a (i32.const 200))))`);

describe('gas bounds the work a call can do', () => {
  it.each([
    ['recursive fib(60)', FIB],
    ['an acyclic chain of 60 functions, each calling the next twice', DOUBLING],
    ['mutual recursion through call_indirect, two calls a level', INDIRECT],
  ])('%s runs out of gas within the step budget', (_, original) => {
    const { code } = instrument(original);
    for (const gas of [10_000n, 200_000n, 1_000_000n]) {
      const run = runWithGas(code, 'run', gas);
      expect(run.outcome, `${gas} gas`).toBe('unreachable'); // the out-of-gas trap (the trap global says which)
      expect(run.steps).toBeLessThanOrEqual(STEPS_PER_GAS * Number(gas) + SLACK);
    }
  });

  it('random modules: whatever they do with a small limit, they stop within the step budget', () => {
    let outOfGas = 0;
    fc.assert(
      fc.property(arbitraryModule(), fc.constantFrom(1_000n, 20_000n), (generated, gas) => {
        const { code } = instrument(assembleModule(generated.text));
        const run = runWithGas(code, 'run', gas);
        expect(run.outcome).not.toBe('steps');
        if (run.outcome === 'unreachable') outOfGas++;
      }),
      { numRuns: 150 },
    );
    expect(outOfGas).toBeGreaterThan(10);
  });
});
