import { beforeAll, describe, expect, it } from 'vitest';
import { loadWat, wat } from '../test/index.js';
import { instrument, MeteringError, type MeteringErrorCode } from './index.js';

beforeAll(loadWat);

const MEM = '(memory (export "memory") 1)';

function rejection(bytes: Uint8Array, options: Parameters<typeof instrument>[1] = {}): MeteringError {
  try {
    instrument(bytes, options);
  } catch (error) {
    if (error instanceof MeteringError) return error;
    throw error;
  }
  throw new Error('expected a MeteringError, but the module was accepted');
}

// One fixture per rejection rule: [rule, module text, code, operation the location must name]
const FIXTURES: Array<[string, string, MeteringErrorCode, string | RegExp]> = [
  ['f32 parameter', `(module ${MEM} (func (export "f") (param f32)))`, 'FLOAT', 'f32'],
  ['f64 result', `(module ${MEM} (func (export "f") (result f64) (f64.const 1)))`, 'FLOAT', 'f64'],
  ['f64 local', `(module ${MEM} (func (export "f") (local f64)))`, 'FLOAT', /local/],
  ['f32 global', `(module ${MEM} (global f32 (f32.const 0)))`, 'FLOAT', 'f32'],
  ['f64.const', `(module ${MEM} (func (export "f") (drop (f64.const 1.5))))`, 'FLOAT', 'f64.const'],
  ['f32.load', `(module ${MEM} (func (export "f") (drop (f32.load (i32.const 0)))))`, 'FLOAT', 'f32.load'],
  [
    'f64 block type',
    `(module ${MEM} (func (export "f") (drop (block (result f64) (unreachable)))))`,
    'FLOAT',
    /block type/,
  ],
  [
    'select f32',
    `(module ${MEM} (func (export "f") (param i32) (drop (select (result f32) (unreachable) (unreachable) (local.get 0)))))`,
    'FLOAT',
    /select/,
  ],
  ['v128 local', `(module ${MEM} (func (export "f") (local v128)))`, 'SIMD', /v128|local/],
  [
    'v128.const',
    `(module ${MEM} (func (export "f") (drop (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4)))))`,
    'SIMD',
    /0xFD/,
  ],
  ['shared memory', '(module (memory (export "memory") 1 1 shared))', 'ATOMICS', 'shared memory'],
  [
    'atomic op',
    `(module (memory (export "memory") 1 1 shared) (func (export "f") (drop (i32.atomic.load (i32.const 0)))))`,
    'ATOMICS',
    /shared|0xFE/,
  ],
  ['exception tag', `(module ${MEM} (tag $e) (func (export "f") (throw $e)))`, 'FEATURE', 'tag'],
  ['tail call', `(module ${MEM} (func $g) (func (export "f") (return_call $g)))`, 'FEATURE', 'return_call'],
  ['funcref local', `(module ${MEM} (func (export "f") (local funcref)))`, 'FEATURE', /local/],
  ['externref table', `(module ${MEM} (table 1 externref))`, 'FEATURE', 'table'],
  [
    'table.size',
    `(module ${MEM} (table 1 funcref) (func (export "f") (drop (table.size 0))))`,
    'FEATURE',
    'table.size',
  ],
  [
    'ref.func',
    `(module ${MEM} (func $g) (elem declare func $g) (func (export "f") (drop (ref.func $g))))`,
    'FEATURE',
    /ref\.func|funcref/,
  ],
  ['start function', `(module ${MEM} (func $s) (start $s))`, 'START', /./],
  ['foreign import module', `(module (import "env" "now" (func)) ${MEM})`, 'IMPORT', 'import env.now'],
  ['memory import', '(module (import "gasket" "memory" (memory 1)))', 'IMPORT', 'import gasket.memory'],
  ['global import', `(module (import "gasket" "g" (global i32)) ${MEM})`, 'IMPORT', 'import gasket.g'],
  ['no memory', '(module (func (export "f")))', 'NO_MEMORY', /./],
  ['reserved export', `(module ${MEM} (func (export "__gasket_gas")))`, 'RESERVED', 'export __gasket_gas'],
];

describe('determinism gate: one fixture per rule', () => {
  it.each(FIXTURES)('%s is rejected', (_rule, text, code, operation) => {
    const error = rejection(wat(text));
    expect(error.code).toBe(code);
    const where = `${error.location.operation ?? ''} ${error.location.section ?? ''} ${error.message}`;
    if (typeof operation === 'string') expect(where).toContain(operation);
    else expect(where).toMatch(operation);
  });

  it('names the function and its export in a code-level rejection', () => {
    const error = rejection(wat(`(module ${MEM} (func (export "ok")) (func (export "bad") (drop (f64.const 2))))`));
    expect(error.code).toBe('FLOAT');
    expect(error.location).toMatchObject({ functionIndex: 1, functionName: 'bad', operation: 'f64.const' });
    expect(typeof error.location.offset).toBe('number');
    expect(error.message).toContain('"bad"');
  });

  it('accepts the host ABI imports and env.abort', () => {
    const result = instrument(
      wat(
        `(module (import "gasket" "input_size" (func (result i32))) (import "env" "abort" (func (param i32 i32 i32 i32))) ${MEM})`,
      ),
    );
    expect(result.report.importedFunctions).toBe(2);
  });

  it('accepts mutable globals, sign extension, bulk memory and multi-value', () => {
    const result = instrument(
      wat(`(module ${MEM} (global $g (mut i64) (i64.const 0)) (data $d "abc")
        (func $pair (result i32 i64) (i32.const 1) (i64.const 2))
        (func (export "f") (result i64)
          (memory.init $d (i32.const 0) (i32.const 0) (i32.const 3)) (data.drop $d)
          (memory.copy (i32.const 8) (i32.const 0) (i32.const 3)) (memory.fill (i32.const 16) (i32.const 7) (i32.const 4))
          (global.set $g (i64.extend8_s (i64.const 0xff)))
          (call $pair) (drop) (drop) (global.get $g)))`),
    );
    expect(result.report.dynamicSites).toBe(3);
  });

  it('tooling mode admits what contracts may not: imports, start, floats', () => {
    const text =
      '(module (import "spectest" "print_i32" (func (param i32))) (global f64 (f64.const 1)) (func $s) (start $s))';
    expect(() => instrument(wat(text))).toThrow(MeteringError);
    expect(instrument(wat(text), { tooling: true }).report.functions).toBe(1);
  });
});

describe('structural limits', () => {
  const LIMIT_FIXTURES: Array<[string, string, Parameters<typeof instrument>[1]]> = [
    ['maxModuleBytes', `(module ${MEM} (func (export "f")))`, { limits: { maxModuleBytes: 20 } }],
    ['maxFunctions', `(module ${MEM} (func) (func) (func))`, { limits: { maxFunctions: 2 } }],
    ['maxTypes', `(module ${MEM} (type (func)) (type (func (param i32))))`, { limits: { maxTypes: 1 } }],
    [
      'maxImports',
      `(module (import "gasket" "a" (func)) (import "gasket" "b" (func)) ${MEM})`,
      { limits: { maxImports: 1 } },
    ],
    ['maxExports', `(module ${MEM} (func (export "a")) (func (export "b")))`, { limits: { maxExports: 2 } }],
    ['maxParams', `(module ${MEM} (func (param i32 i32 i32)))`, { limits: { maxParams: 2 } }],
    [
      'maxResults',
      `(module ${MEM} (func (result i32 i32) (i32.const 1) (i32.const 2)))`,
      { limits: { maxResults: 1 } },
    ],
    ['maxLocalsPerFunction', `(module ${MEM} (func (local i32 i64 i32)))`, { limits: { maxLocalsPerFunction: 2 } }],
    ['maxTableSize', `(module ${MEM} (table 11 funcref))`, { limits: { maxTableSize: 10 } }],
    [
      'maxGlobals',
      `(module ${MEM} (global i32 (i32.const 0)) (global i32 (i32.const 0)))`,
      { limits: { maxGlobals: 1 } },
    ],
    [
      'maxDataSegments',
      `(module ${MEM} (data (i32.const 0) "a") (data (i32.const 1) "b"))`,
      { limits: { maxDataSegments: 1 } },
    ],
    [
      'maxElementSegments',
      `(module ${MEM} (table 2 funcref) (func $f) (elem (i32.const 0) $f) (elem (i32.const 1) $f))`,
      { limits: { maxElementSegments: 1 } },
    ],
    ['maxNestingDepth', `(module ${MEM} (func (block (block (block (nop))))))`, { limits: { maxNestingDepth: 2 } }],
    [
      'maxBrTableTargets',
      `(module ${MEM} (func (param i32) (block (block (block (br_table 0 1 2 0 (local.get 0)))))))`,
      { limits: { maxBrTableTargets: 2 } },
    ],
    ['maxMemoryPages', '(module (memory (export "memory") 300))', {}],
  ];
  it.each(LIMIT_FIXTURES)('%s', (limitName, text, options) => {
    const error = rejection(wat(text), options);
    expect(error.code).toBe('LIMIT');
    expect(error.message).toContain(limitName);
  });

  it('the same modules pass under the default limits (the fixtures test the limit, not something else)', () => {
    for (const [limitName, text] of LIMIT_FIXTURES) {
      if (limitName === 'maxMemoryPages') continue;
      expect(() => instrument(wat(text)), limitName).not.toThrow();
    }
  });
});

describe('malformed input', () => {
  it('garbage, an empty buffer and a wrong version are MALFORMED', () => {
    for (const bytes of [
      new Uint8Array(),
      new Uint8Array([1, 2, 3]),
      new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]),
    ]) {
      expect(rejection(bytes).code).toBe('MALFORMED');
    }
  });

  it('every truncation of a valid module is MALFORMED or, for a whole-section cut, accepted; never a crash', () => {
    const bytes = wat(`(module ${MEM} (global (mut i32) (i32.const 1)) (data (i32.const 0) "hello")
      (func (export "f") (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))`);
    for (let length = 0; length < bytes.length; length++) {
      try {
        instrument(bytes.subarray(0, length));
      } catch (error) {
        expect(error, `length ${length}`).toBeInstanceOf(MeteringError);
        expect((error as MeteringError).code, `length ${length}`).toMatch(/^(MALFORMED|NO_MEMORY)$/);
      }
    }
  });

  it('a module V8 finds invalid is MALFORMED with V8s reason, before any rewriting', () => {
    // (i32.add) with one operand: binaryen would read this; the validator must stop it first
    const invalid = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05,
      0x03, 0x01, 0x00, 0x01, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x01, 0x6a, 0x1a, 0x0b,
    ]);
    const error = rejection(invalid);
    expect(error.code).toBe('MALFORMED');
    expect(error.message).toMatch(/not a valid WebAssembly module: .+/);
  });
});
