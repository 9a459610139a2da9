/**
 * Tests of the reference oracle itself: its weight table agrees with CURRENT_SCHEDULE, its integer arithmetic agrees
 * with V8 on edge values, its control flow, traps and gas counting on small hand-written programs, and the random
 * module generator's modules are valid and terminate.
 * @module
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_SCHEDULE, FRAME_BASE_UNITS } from '../../metering/index.js';
import { decodeReferenceModule as decodeModule, Unsupported } from '../../vm/index.js';
import { arbitraryModule, assembleModule, FUEL, HOST_IMPORT, hostFunction, loadAssembler } from './arbitraryModule.js';
import { type RefValue, runReference } from './interpret.js';
import { maxOperandHeight, REF_FRAME_BASE, specFrameCost } from './stackHeight.js';
import {
  REF_BULK_PER_BYTE,
  REF_LOAD_WEIGHT_BY_MEMORY,
  REF_MEMORY_GROW_PER_CURRENT_PAGE,
  REF_MEMORY_GROW_PER_PAGE,
  REF_WEIGHTS,
} from './weights.js';

beforeAll(loadAssembler);

const w = CURRENT_SCHEDULE.weights as Required<typeof CURRENT_SCHEDULE.weights>;

type V8Outcome = { kind: 'return'; value: unknown } | { kind: 'trap' };
type Callable = (...args: RefValue[]) => unknown;

function v8Call(fn: Callable, args: RefValue[]): V8Outcome {
  try {
    return { kind: 'return', value: fn(...args) };
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError || error instanceof RangeError) return { kind: 'trap' };
    throw error;
  }
}

function v8Exports(bytes: Uint8Array): Record<string, Callable> {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Record<string, Callable>;
}

describe('weights', () => {
  it('are the classes and weights of CURRENT_SCHEDULE, with its dynamic rates', () => {
    expect(Object.keys(REF_WEIGHTS).sort()).toEqual(Object.keys(CURRENT_SCHEDULE.weights).sort());
    for (const [cls, weight] of Object.entries(REF_WEIGHTS)) {
      expect([cls, weight]).toEqual([cls, CURRENT_SCHEDULE.weights[cls as keyof typeof REF_WEIGHTS]]);
    }
    expect(REF_MEMORY_GROW_PER_PAGE).toBe(CURRENT_SCHEDULE.memoryGrowPerPage);
    expect(REF_MEMORY_GROW_PER_CURRENT_PAGE).toBe(CURRENT_SCHEDULE.memoryGrowPerCurrentPage ?? 0);
    expect(REF_BULK_PER_BYTE).toBe(CURRENT_SCHEDULE.bulkPerByte);
    const classes = (CURRENT_SCHEDULE.loadWeightByMemory ?? []).map((cls) => [cls.maxPages, cls.weight]);
    expect(REF_LOAD_WEIGHT_BY_MEMORY).toEqual(classes);
  });
});

describe('integer operations agree with V8 on edge values', () => {
  const I32 = [0, 1, -1, 2, 7, -7, 31, 32, 33, 0x7fffffff, -0x80000000, 0x55555555, -0x10000, 0x12345678];
  const I64 = [
    0n,
    1n,
    -1n,
    2n,
    7n,
    -7n,
    63n,
    64n,
    65n,
    0xffffffffn,
    (1n << 63n) - 1n,
    -(1n << 63n),
    0x123456789abcdefn,
  ];
  const ARITH = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u'];
  const BINARY = [...ARITH, 'rotl', 'rotr'];
  const COMPARE = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
  type Case = { name: string; params: string[]; result: string };
  const cases: Case[] = [
    ...BINARY.map((op) => ({ name: `i32.${op}`, params: ['i32', 'i32'], result: 'i32' })),
    ...BINARY.map((op) => ({ name: `i64.${op}`, params: ['i64', 'i64'], result: 'i64' })),
    ...COMPARE.map((op) => ({ name: `i32.${op}`, params: ['i32', 'i32'], result: 'i32' })),
    ...COMPARE.map((op) => ({ name: `i64.${op}`, params: ['i64', 'i64'], result: 'i32' })),
    ...['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s'].map((op) => ({
      name: `i32.${op}`,
      params: ['i32'],
      result: 'i32',
    })),
    ...['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s', 'extend32_s'].map((op) => ({
      name: `i64.${op}`,
      params: ['i64'],
      result: 'i64',
    })),
    { name: 'i32.eqz', params: ['i32'], result: 'i32' },
    { name: 'i64.eqz', params: ['i64'], result: 'i32' },
    { name: 'i32.wrap_i64', params: ['i64'], result: 'i32' },
    { name: 'i64.extend_i32_s', params: ['i32'], result: 'i64' },
    { name: 'i64.extend_i32_u', params: ['i32'], result: 'i64' },
  ];

  it('for every operation and operand pair', () => {
    const text = `(module\n${cases
      .map(
        (c) =>
          `(func (export "${c.name}") (param ${c.params.join(' ')}) (result ${c.result}) ${c.params
            .map((_, i) => `local.get ${i}`)
            .join(' ')} ${c.name})`,
      )
      .join('\n')})`;
    const bytes = assembleModule(text);
    const module = decodeModule(bytes);
    const v8 = v8Exports(bytes);
    let compared = 0;
    for (const c of cases) {
      const values = (t: string): RefValue[] => (t === 'i32' ? I32 : I64);
      const argLists: RefValue[][] =
        c.params.length === 1
          ? values(c.params[0]!).map((a) => [a])
          : values(c.params[0]!).flatMap((a) => values(c.params[1]!).map((b) => [a, b]));
      for (const args of argLists) {
        const expected = v8Call(v8[c.name]!, args);
        const ref = runReference(module, c.name, args);
        const actual = ref.kind === 'return' ? { kind: 'return', value: ref.values[0] } : { kind: 'trap' };
        expect({ op: c.name, args, outcome: actual }).toEqual({ op: c.name, args, outcome: expected });
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });
});

describe('programs', () => {
  it('counts the weight of each executed instruction: straight line, loop, if/else', () => {
    const bytes = assembleModule(`(module
      (func (export "line") (result i32) i32.const 7 i32.const 3 i32.div_s)
      (func (export "loop") (result i32) (local i32)
        loop
          local.get 0 i32.const 1 i32.add local.tee 0 i32.const 3 i32.lt_u br_if 0
        end
        local.get 0)
      (func (export "if") (param i32) (result i64)
        local.get 0
        if (result i64) i64.const 1 else i64.const 2 i64.const 3 i64.mul end))`);
    expect(runReference(bytes, 'line')).toMatchObject({
      kind: 'return',
      values: [2],
      gas: BigInt(2 * w.const + w.div),
    });
    const iteration = 2 * w.local + 2 * w.const + 2 * w.arith + w.branch;
    expect(runReference(bytes, 'loop')).toMatchObject({
      kind: 'return',
      values: [3],
      gas: BigInt(3 * iteration + w.local),
    });
    expect(runReference(bytes, 'if', [1])).toMatchObject({ values: [1n], gas: BigInt(w.local + w.branch + w.const) });
    expect(runReference(bytes, 'if', [0])).toMatchObject({
      values: [6n],
      gas: BigInt(w.local + w.branch + 2 * w.const + w.mul),
    });
  });

  it('charges memory.grow per page requested, respects the maximum, and bulk memory per byte', () => {
    const bytes = assembleModule(`(module (memory 1 2)
      (func (export "grow") (result i32 i32 i32)
        i32.const 1 memory.grow i32.const 1 memory.grow memory.size)
      (func (export "fill") (param i32 i32) (local.get 0) (i32.const 255) (local.get 1) (memory.fill))
      (func (export "copy") (param i32 i32 i32) (local.get 0) (local.get 1) (local.get 2) (memory.copy)))`);
    const grow = runReference(bytes, 'grow');
    expect(grow).toMatchObject({ kind: 'return', values: [1, -1, 2] });
    // The first grow sees 1 page, the second (refused at the maximum) 2.
    const perCurrent = CURRENT_SCHEDULE.memoryGrowPerCurrentPage ?? 0;
    expect(grow.gas).toBe(
      BigInt(2 * (w.const + w.memoryGrow + CURRENT_SCHEDULE.memoryGrowPerPage) + 3 * perCurrent + w.memorySize),
    );
    const fill = runReference(bytes, 'fill', [10, 6]);
    expect(fill.gas).toBe(BigInt(2 * w.local + w.const + w.bulk + 6 * CURRENT_SCHEDULE.bulkPerByte));
    expect([...fill.memory!.subarray(9, 17)]).toEqual([0, 255, 255, 255, 255, 255, 255, 0]);
    expect(runReference(bytes, 'fill', [65_530, 7])).toMatchObject({ kind: 'trap' });
    expect(runReference(bytes, 'fill', [65_530, 6])).toMatchObject({ kind: 'return' });
    expect(runReference(bytes, 'copy', [0, 65_535, 2])).toMatchObject({ kind: 'trap' });
    expect(runReference(bytes, 'copy', [1, 0, 0x10000])).toMatchObject({ kind: 'trap' });
  });

  it('traps on a null, missing or mistyped call_indirect, like V8', () => {
    const bytes = assembleModule(`(module
      (type $i (func (result i32)))
      (type $l (func (result i64)))
      (table 3 funcref) (elem (i32.const 0) $seven)
      (func $seven (result i32) i32.const 7)
      (func (export "good") (param i32) (result i32) local.get 0 call_indirect (type $i))
      (func (export "typed") (param i32) (result i64) local.get 0 call_indirect (type $l)))`);
    const v8 = v8Exports(bytes);
    for (const [name, index] of [
      ['good', 0],
      ['good', 1],
      ['good', 3],
      ['good', -1],
      ['typed', 0],
    ] as const) {
      const ref = runReference(bytes, name, [index]);
      const expected = v8Call(v8[name]!, [index]);
      expect(ref.kind).toBe(expected.kind);
      if (ref.kind === 'return') expect(ref.values).toEqual([7]);
    }
    expect(runReference(bytes, 'good', [0]).gas).toBe(BigInt(w.local + w.callIndirect + w.const));
  });

  it('runs multi-value blocks with type-index block types, br_table and return like V8', () => {
    const bytes = assembleModule(`(module
      (type $pair (func (param i32) (result i32 i64)))
      (type $ll (func (param i64) (result i64)))
      (func (export "f") (param i32) (result i64) (local i64)
        local.get 0
        block (type $pair)
          i32.const 5 i32.add
          local.get 0 i64.extend_i32_s
          local.get 0
          br_if 0
          drop drop
          i32.const 1 i64.const 2
        end
        local.set 1
        i64.extend_i32_s
        local.get 0 i32.const 9 i32.eq
        if (type $ll) i64.const 99 i64.add else i64.const -1 i64.mul end
        local.get 0 i32.const 3 i32.eq
        if i64.const 42 return end
        local.get 1
        i64.add)
      (func (export "g") (param i32) (result i32)
        block (result i32)
          block (result i32) local.get 0 local.get 0 br_table 0 1 1 end
          i32.const 100 i32.add
        end))`);
    const v8 = v8Exports(bytes);
    for (const x of [0, 1, 2, 3, 9, -4]) {
      for (const name of ['f', 'g']) {
        const expected = v8Call(v8[name]!, [x]);
        expect(expected.kind).toBe('return');
        expect(runReference(bytes, name, [x])).toMatchObject({
          kind: 'return',
          values: [(expected as { value: RefValue }).value],
        });
      }
    }
  });

  it('uses an explicit frame stack: deep recursion traps at the depth cap, not with a JS stack overflow', () => {
    const bytes = assembleModule(`(module
      (func $r (export "r") (param i32) (result i32)
        local.get 0 i32.eqz
        if (result i32) i32.const 0
        else local.get 0 i32.const 1 i32.sub call $r i32.const 1 i32.add end))`);
    expect(runReference(bytes, 'r', [5000])).toMatchObject({ kind: 'return', values: [5000] });
    expect(runReference(bytes, 'r', [1_000_000])).toMatchObject({ kind: 'trap', reason: 'call depth' });
    expect(runReference(bytes, 'r', [50], { maxCallDepth: 20 })).toMatchObject({ kind: 'trap', reason: 'call depth' });
  });

  it('rejects modules outside the integer subset', () => {
    const float = assembleModule('(module (func (export "f") (result f64) f64.const 1))');
    expect(() => runReference(float, 'f')).toThrow(Unsupported);
  });
});

describe('stack budget', () => {
  it('frame base is metering FRAME_BASE_UNITS', () => {
    expect(REF_FRAME_BASE).toBe(FRAME_BASE_UNITS);
  });

  it('measures the maximum operand-stack height as validation tracks it, dead code included', () => {
    const bytes = assembleModule(`(module
      (type $pair (func (param i32) (result i32 i32)))
      (func (export "r") (param i32) (result i32)
        local.get 0 i32.eqz
        if (result i32) i32.const 0
        else local.get 0 i32.const 1 i32.sub call 0 i32.const 1 i32.add end)
      (func (export "b") (result i32) (local i64)
        i32.const 1
        block (type $pair)
          i32.const 2 i32.const 3 i32.add i32.const 4 br 0
          i32.const 5 i32.const 6 i32.const 7 i32.const 8 drop drop drop drop
        end
        i32.add))`);
    const module = decodeModule(bytes);
    expect(maxOperandHeight(module.funcs[0]!.code, module)).toBe(2);
    // Live code peaks at 3 (the block's parameter, 2, 3); the dead code after br pushes 4 from the block's base (0).
    expect(maxOperandHeight(module.funcs[1]!.code, module)).toBe(4);
    expect(specFrameCost(module, 0)).toBe(REF_FRAME_BASE + 1 + 0 + 2);
    expect(specFrameCost(module, 1)).toBe(REF_FRAME_BASE + 0 + 1 + 4);
  });

  it('traps at the limit with an explicit stack of units', () => {
    const bytes = assembleModule(`(module
      (func $r (export "r") (param i32) (result i32)
        local.get 0 i32.eqz
        if (result i32) i32.const 0
        else local.get 0 i32.const 1 i32.sub call $r i32.const 1 i32.add end))`);
    const cost = REF_FRAME_BASE + 1 + 2;
    expect(runReference(bytes, 'r', [9], { stackLimit: { maxUnits: 10 * cost } })).toMatchObject({ kind: 'return' });
    expect(runReference(bytes, 'r', [10], { stackLimit: { maxUnits: 10 * cost } })).toMatchObject({
      kind: 'trap',
      reason: 'stack limit',
    });
  });
});

describe('generated modules', () => {
  /** A generated module assembles to valid bytes and the oracle runs it to an end within the fuel and depth bounds. */
  const runValidTerminating = (text: string) => {
    const bytes = assembleModule(text);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const host = ([x]: RefValue[]) => [hostFunction(x as bigint).result];
    const run = runReference(bytes, 'run', [], {
      maxCallDepth: FUEL + 2,
      maxSteps: 2_000_000,
      imports: { [HOST_IMPORT.module]: { [HOST_IMPORT.name]: host } },
    });
    if (run.kind === 'trap') expect(['steps', 'call depth']).not.toContain(run.reason);
    return { bytes, run };
  };

  it('are valid and terminate within the fuel and depth bounds', () => {
    fc.assert(
      fc.property(arbitraryModule(), (generated) => {
        runValidTerminating(generated.text);
      }),
      { numRuns: 60 },
    );
  });

  it('with counted loops (GeneratorOptions.countedLoops) too: valid, terminating, and the oracle agrees with V8', () => {
    fc.assert(
      fc.property(arbitraryModule({ countedLoops: true }), (generated) => {
        const { bytes, run } = runValidTerminating(generated.text);
        const hostV8 = (x: bigint) => hostFunction(x).result;
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
          [HOST_IMPORT.module]: { [HOST_IMPORT.name]: hostV8 },
        });
        let v8: { kind: string; value?: unknown } = { kind: 'trap' };
        try {
          v8 = { kind: 'return', value: (instance.exports.run as () => unknown)() };
        } catch (error) {
          if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
        }
        expect(run.kind).toBe(v8.kind);
        if (run.kind === 'return' && generated.results.length === 1) expect(run.values[0]).toEqual(v8.value);
      }),
      { numRuns: 200 },
    );
  });
});
