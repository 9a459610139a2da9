/**
 * Counted loops get a fast copy without a per-iteration charge or check (SPEC.md "Counted loops",
 * metering/loopVersioning.ts): the shapes of the benchmark kernels are recognised, the ones that break the rule are
 * not, and under every gas limit a versioned module does exactly what the same module without the fast copy does
 * (outcome, trap reason, gas left, memory). The random-module properties are in instrument.property.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWat, wat } from '../test/index.js';
import { instrument, METERING_EXPORTS, TRAP_REASON } from './index.js';

beforeAll(loadWat);

/** A module whose exported `run(n)` holds `body` (locals $i $j $k $x i32), memory of one page. */
const moduleOf = (body: string) =>
  wat(`(module (memory (export "memory") 1 1)
    (func (export "run") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $k i32) (local $x i32)
      ${body}))`);

/** fibIter's loop: `n > i`, i += 1, the sum kept in memory. */
const COUNT_UP = `
  (loop $l
    (if (i32.gt_s (local.get $n) (local.get $i))
      (then
        (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l))))
  (i32.load (i32.const 0))`;

/** The sieve's inner loop: `j < 4096`, j += k (a local the loop never writes). */
const STEP_LOCAL = `
  (local.set $k (i32.add (i32.and (local.get $n) (i32.const 7)) (i32.const 1)))
  (local.set $j (i32.shr_u (local.get $n) (i32.const 3)))
  (loop $l
    (if (i32.lt_s (local.get $j) (i32.const 4096))
      (then
        (i32.store8 (local.get $j) (i32.const 1))
        (local.set $j (i32.add (local.get $k) (local.get $j)))
        (br $l))))
  (local.get $j)`;

/** Insertion sort's inner loop: `j >= 0 && mem[j] > x`, j -= 1 (an early exit through the condition). */
const EARLY_EXIT = `
  (local.set $x (i32.and (local.get $n) (i32.const 255)))
  (local.set $j (i32.const 255))
  (loop $fill
    (i32.store8 (local.get $j) (local.get $j))
    (br_if $fill (local.tee $j (i32.sub (local.get $j) (i32.const 1)))))
  (local.set $j (i32.const 255))
  (loop $l
    (if (if (result i32) (i32.ge_s (local.get $j) (i32.const 0))
          (then (i32.gt_u (i32.load8_u (local.get $j)) (local.get $x)))
          (else (i32.const 0)))
      (then
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $l))))
  (local.get $j)`;

/** Counts down unsigned by 3 to a bound on the left: `5 <u i`. */
const DOWN_UNSIGNED = `
  (local.set $i (local.get $n))
  (loop $l
    (if (i32.lt_u (i32.const 5) (local.get $i))
      (then
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (local.set $i (i32.sub (local.get $i) (i32.const 3)))
        (br $l))))
  (local.get $x)`;

type Outcome = { kind: 'return' | 'trap'; value?: number; reason: number; left: bigint; memory: string };

function runner(code: Uint8Array) {
  const exports = new WebAssembly.Instance(new WebAssembly.Module(code)).exports;
  const gas = exports[METERING_EXPORTS.gas] as WebAssembly.Global;
  const trap = exports[METERING_EXPORTS.trap] as WebAssembly.Global;
  const memory = exports.memory as WebAssembly.Memory;
  return (n: number, limit: bigint): Outcome => {
    new Uint8Array(memory.buffer).fill(0);
    gas.value = limit;
    trap.value = 0;
    let kind: Outcome['kind'] = 'return';
    let value: number | undefined;
    try {
      value = (exports.run as (n: number) => number)(n);
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError)) throw error;
      kind = 'trap';
    }
    const digest = Buffer.from(memory.buffer).subarray(0, 4096).toString('base64');
    return { kind, value, reason: trap.value as number, left: gas.value as bigint, memory: digest };
  };
}

/** Versioned and plain code agree at `n` under the exact limit, one less, and limits spread below it. */
function expectSameUnderEveryLimit(bytes: Uint8Array, n: number): bigint {
  const fast = runner(instrument(bytes).code);
  const plain = runner(instrument(bytes, { loopVersioning: false }).code);
  const ample = 1n << 60n;
  const used = ample - plain(n, ample).left;
  expect(ample - fast(n, ample).left).toBe(used);
  const limits = [used, used - 1n, used + 7n, 0n, 1n];
  for (let k = 1; k < 40; k++) limits.push((used * BigInt(k)) / 40n);
  for (const limit of limits) {
    if (limit < 0n) continue;
    expect(fast(n, limit)).toEqual(plain(n, limit));
  }
  expect(fast(n, used)).toMatchObject({ kind: 'return', left: 0n });
  expect(fast(n, used - 1n)).toMatchObject({ kind: 'trap', reason: TRAP_REASON.outOfGas });
  return used;
}

describe('counted loops', () => {
  it.each([
    ['count up to a parameter', COUNT_UP, [0, 1, 2, 7, 1000, -5]],
    ['step read from a local', STEP_LOCAL, [0, 1, 9, 31, 4000, 40_000]],
    ['early exit through the condition', EARLY_EXIT, [0, 17, 200, 255]],
    ['count down unsigned, bound on the left', DOWN_UNSIGNED, [0, 5, 6, 8, 9, 100, 100_000]],
  ])('%s: versioned, and the same outcome and gas as without the fast copy under every limit', (_, body, ns) => {
    const bytes = moduleOf(body);
    expect(instrument(bytes).report.versionedLoops).toBe(1);
    for (const n of ns) expectSameUnderEveryLimit(bytes, n);
  });

  it('pays every iteration at the exit: gas grows with the trip count as the plain code does', () => {
    const bytes = moduleOf(COUNT_UP);
    const [a, b, c] = [10, 11, 12].map((n) => expectSameUnderEveryLimit(bytes, n));
    expect(b! - a!).toBeGreaterThan(0n);
    expect(c! - b!).toBe(b! - a!);
  });

  it('refuses the fast copy where i would wrap: the checked loop runs out of gas as before', () => {
    // i from 2^31 - 3 by 4 wraps past the bound and would run about 2^30 times: only the gas limit stops it
    const bytes = moduleOf(`
      (local.set $i (i32.const 0x7ffffffc))
      (loop $l
        (if (i32.lt_s (local.get $i) (i32.const 0x7fffffff))
          (then
            (i32.store (i32.const 0) (local.get $i))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $l))))
      (local.get $i)`);
    expect(instrument(bytes).report.versionedLoops).toBe(1);
    const fast = runner(instrument(bytes).code);
    const plain = runner(instrument(bytes, { loopVersioning: false }).code);
    for (const limit of [0n, 100n, 5_000n, 123_457n]) {
      expect(fast(0, limit)).toEqual(plain(0, limit));
      expect(fast(0, limit)).toMatchObject({ kind: 'trap', reason: TRAP_REASON.outOfGas });
    }
  });

  it('refuses a step local that is not positive: the checked loop runs', () => {
    const bytes = moduleOf(`
      (local.set $k (i32.sub (local.get $n) (i32.const 1)))
      (loop $l
        (if (i32.lt_s (local.get $i) (i32.const 10))
          (then
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (local.get $k)))
            (br_if 1 (i32.gt_u (local.get $x) (i32.const 50)))
            (br $l))))
      (local.get $x)`);
    // the br_if out of the loop is an exit: not versioned
    expect(instrument(bytes).report.versionedLoops).toBe(0);
    const without = moduleOf(`
      (local.set $k (i32.sub (local.get $n) (i32.const 1)))
      (loop $l
        (if (if (result i32) (i32.lt_s (local.get $i) (i32.const 10))
              (then (i32.le_u (local.tee $x (i32.add (local.get $x) (i32.const 1))) (i32.const 50)))
              (else (i32.const 0)))
          (then
            (local.set $i (i32.add (local.get $i) (local.get $k)))
            (br $l))))
      (local.get $x)`);
    expect(instrument(without).report.versionedLoops).toBe(1);
    for (const n of [-3, 0, 1, 2, 4]) expectSameUnderEveryLimit(without, n);
  });

  const withBody = (extra: string) =>
    wat(`(module (memory 1 1)
      (func $id (param i32) (result i32) (local.get 0))
      (func (export "run") (param $n i32) (result i32) (local $i i32)
        (block $out
          (loop $l
            (if (i32.gt_s (local.get $n) (local.get $i))
              (then
                ${extra}
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $l)))))
        (local.get $i)))`);

  it('the loop below, with nothing added, is versioned', () => {
    expect(instrument(withBody('(i32.store (i32.const 0) (local.get $n))')).report.versionedLoops).toBe(1);
  });

  it.each([
    ['the bound is written in the loop', '(local.set $n (i32.add (local.get $n) (i32.const 0)))'],
    ['i is written twice', '(local.set $i (local.get $i))'],
    ['a call', '(drop (call $id (i32.const 0)))'],
    ['a nested loop', '(loop $inner (br_if $inner (i32.const 0)))'],
    ['a branch out of the loop', '(br_if $out (i32.eqz (local.get $i)))'],
    ['a continue', '(br_if 1 (i32.eqz (local.get $i)))'],
    ['a return', '(if (i32.eqz (local.get $n)) (then (return (i32.const 0))))'],
    ['over 2 KiB of code', '(i32.store (i32.const 0) (local.get $n))'.repeat(400)],
  ])('is not versioned when the body holds %s', (_, extra) => {
    expect(instrument(withBody(extra)).report.versionedLoops).toBe(0);
  });
});
