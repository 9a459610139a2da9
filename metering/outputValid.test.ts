/**
 * `instrument()` no longer validates its own output with V8 (it cost about 7% of instrumenting a contract): the
 * output is valid by construction. This file is what stands behind that claim: V8 must validate the output of
 * random modules (contract and tooling mode), and of hand-written modules with the constructs the rewriter treats
 * specially (internal functions with declared locals and their extra parameters, calls in unreachable code,
 * multi-value functions and blocks, call_indirect, host calls, memory.grow and bulk memory, br_table, a then-arm
 * precharge inside nested ifs, many signatures). The other tests compile every module they instrument as well.
 * @module
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arbitraryModule, assembleModule, loadAssembler, loadWat, wat } from '../test/index.js';
import { instrument } from './index.js';

beforeAll(async () => {
  await loadAssembler();
  await loadWat();
});

const SPECIAL_CASES: Record<string, string> = {
  'internal functions with locals, unreachable calls, multi-value': `(module
    (import "gasket" "host" (func $host (param i64) (result i64)))
    (memory 1)
    (func $pair (param i32) (result i32 i64) (local i64 i32)
      local.get 0 local.set 2 (local.set 1 (i64.const 7))
      local.get 2 local.get 1)
    (func $dead (param i32) (result i32) (local i32)
      (if (local.get 0) (then (return (i32.const 1))))
      unreachable
      (call $pair (i32.const 2)) drop drop
      local.get 1)
    (func (export "run") (param i32) (result i64) (local i64)
      (call $pair (local.get 0)) local.set 1 drop
      (call $dead (local.get 0)) drop
      (block (result i32 i64) (i32.const 1) (local.get 1)) local.set 1 drop
      (call $host (local.get 1))))`,
  'call_indirect, a table, recursion, br_table, memory and bulk memory': `(module
    (type $t (func (param i32) (result i32)))
    (memory 1 2)
    (data "abc")
    (table 2 funcref)
    (elem (i32.const 0) $viaTable $rec)
    (func $viaTable (type $t) (local i32) (local.tee 1 (i32.add (local.get 0) (i32.const 1))))
    (func $rec (type $t)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (call $rec (i32.sub (local.get 0) (i32.const 1))))))
    (func $helper (param i32) (result i32) (local i32 i64)
      (block (block (block (br_table 0 1 2 (local.get 0)))))
      (memory.fill (i32.const 0) (i32.const 1) (i32.const 8))
      (memory.copy (i32.const 8) (i32.const 0) (i32.const 8))
      (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 3))
      (drop (memory.grow (i32.const 1)))
      (loop $l (br_if $l (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (i32.const 3))))
      (if (local.get 0) (then (if (local.get 1) (then (nop)))))
      (call_indirect (type $t) (local.get 0) (i32.const 0)))
    (func (export "run") (param i32) (result i32)
      (i32.add (call $helper (local.get 0)) (call $rec (i32.const 3)))))`,
  'many signatures, internal functions sharing and not sharing types': `(module
    (memory 1)
    ${Array.from(
      { length: 12 },
      (_, i) => `(func $f${i} (param ${'i32 '.repeat(i % 4)}i64) (result i64) (local i32) local.get ${i % 4})`,
    ).join('\n')}
    (func (export "run") (result i64)
      ${Array.from({ length: 12 }, (_, i) => `(call $f${i} ${'(i32.const 1) '.repeat(i % 4)}(i64.const ${i}))`).join(' ')}
      ${'i64.add '.repeat(11)}))`,
};

describe('instrumented output is valid WebAssembly', () => {
  for (const [name, text] of Object.entries(SPECIAL_CASES)) {
    it(name, () => {
      const bytes = wat(text);
      expect(WebAssembly.validate(bytes)).toBe(true);
      for (const tooling of [false, true]) {
        const { code } = instrument(bytes, { tooling });
        expect(WebAssembly.validate(code)).toBe(true);
      }
    });
  }

  it('random modules, contract and tooling mode', () => {
    fc.assert(
      fc.property(arbitraryModule(), fc.boolean(), (generated, tooling) => {
        const { code } = instrument(assembleModule(generated.text), { tooling });
        expect(WebAssembly.validate(code)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
