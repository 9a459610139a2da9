/**
 * Tests of the spec-suite harness itself, so a green spec run means something: exact literal parsing (no double
 * rounding), the s-expression reader's comments and escapes, and a runner that reports a wrong assertion, meets
 * call-stack exhaustion with the stack limit and checks `instrument` rejects invalid modules. Needs no spec files.
 * @module
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runScript, type Wabt } from './runner.js';
import { readSExprs } from './sexpr.js';
import { parseFloatBits, parseIntBits } from './values.js';
import { parseScript } from './wast.js';

const f64Bits = (x: number) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0);
};

describe('literals', () => {
  it('parses integers into their bit patterns, with range checks', () => {
    expect(parseIntBits('-0x80000000', 32)).toBe(0x80000000n);
    expect(parseIntBits('4294967295', 32)).toBe(0xffffffffn);
    expect(parseIntBits('-1', 64)).toBe(0xffffffffffffffffn);
    expect(parseIntBits('1_000', 32)).toBe(1000n);
    expect(() => parseIntBits('4294967296', 32)).toThrow();
    expect(() => parseIntBits('-0x80000001', 32)).toThrow();
  });

  it('rounds f32 literals once, to nearest even, from the exact value', () => {
    expect(parseFloatBits('1.0', 'f32')).toBe(0x3f800000n);
    expect(parseFloatBits('0x1p-149', 'f32')).toBe(1n);
    expect(parseFloatBits('0x1.fffffep127', 'f32')).toBe(0x7f7fffffn);
    expect(parseFloatBits('0x1.ffffffp127', 'f32')).toBe(0x7f800000n); // halfway to 2^128: rounds to infinity
    expect(parseFloatBits('-0x0p0', 'f32')).toBe(0x80000000n);
    // 1 + 2^-24 is halfway between 1 and its successor: ties to even (1.0); a hair above rounds up. Going through
    // a double would round the second one to the halfway point first and then down.
    expect(parseFloatBits('1.000000059604644775390625', 'f32')).toBe(0x3f800000n);
    expect(parseFloatBits('1.00000005960464477539062500001', 'f32')).toBe(0x3f800001n);
    expect(parseFloatBits('nan:0x200000', 'f32')).toBe(0x7fa00000n);
    expect(parseFloatBits('-inf', 'f32')).toBe(0xff800000n);
  });

  it('agrees with JavaScript on f64 decimal and hexadecimal literals', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        // String(-0) is "0": write the sign the way a .wast literal does (FC_SEED 4242 drew -0)
        const text = Object.is(x, -0) ? '-0' : String(x).replace('Infinity', 'inf');
        expect(parseFloatBits(text, 'f64')).toBe(f64Bits(x));
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 80n) - 1n }), fc.integer({ min: -1100, max: 1000 }), (m, e) => {
        const text = `${m}e${e}`;
        expect(parseFloatBits(text, 'f64')).toBe(f64Bits(Number(text)));
      }),
    );
    expect(parseFloatBits('0x1p-1074', 'f64')).toBe(1n);
    expect(parseFloatBits('0x1.fffffffffffffp+1023', 'f64')).toBe(0x7fefffffffffffffn);
  });
});

describe('s-expressions', () => {
  it('skips nested block comments and line comments and decodes string escapes', () => {
    const [list] = readSExprs('(a (; x (; y ;) z ;) "\\00\\ff\\n\\u{1F600}" ;; c\n b)');
    expect(list?.items.map((e) => (e.kind === 'atom' ? e.text : e.kind === 'string' ? [...e.bytes] : 'list'))).toEqual([
      'a',
      [0, 0xff, 0x0a, 0xf0, 0x9f, 0x98, 0x80],
      'b',
    ]);
  });
});

describe('runner', () => {
  let wabt: Wabt;
  beforeAll(async () => {
    wabt = (await (await import('wabt')).default()) as unknown as Wabt;
  });

  it('passes correct assertions, reports wrong ones, and meets exhaustion with the stack limit', () => {
    const script = `
      (module
        (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
        (func $loop (export "runaway") (call $loop))
        (func (export "boom") unreachable))
      (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
      (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))
      (assert_exhaustion (invoke "runaway") "call stack exhausted")
      (assert_trap (invoke "boom") "unreachable")
      (assert_invalid (module (func (result i32))) "type mismatch")
      (assert_malformed (module binary "\\00asm\\02") "unknown binary version")
    `;
    const result = runScript(wabt, 'self.wast', parseScript(script));
    expect(result.failures.map((f) => [f.line, f.world])).toEqual([
      [7, 'raw'],
      [7, 'instrumented'],
    ]);
    expect(result.counts.assert_return).toEqual({ run: 2, passed: 1, waived: 0 });
    expect(result.counts.assert_exhaustion).toEqual({ run: 1, passed: 1, waived: 0 });
    expect(result.counts.assert_trap).toEqual({ run: 1, passed: 1, waived: 0 });
    expect(result.instrumentRejections).toBe(2);
    expect(result.gasUsed).toBeGreaterThan(0n);
  });
});
