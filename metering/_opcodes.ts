/**
 * The instruction table: for every opcode the metering walker can meet, its name, its cost class (or the
 * feature group that forbids it), the shape of its immediates, and its operand-stack effect. The gate and the gas
 * pass both read this one table with the cost schedule, so they cannot disagree: an opcode whose class the schedule
 * does not price is rejected. Spec: WebAssembly Core 2.0, section 5.4 (instructions).
 * @module
 */

/** Cost classes priced by a schedule. */
export type CostClass =
  | 'free'
  | 'const'
  | 'local'
  | 'global'
  | 'arith'
  | 'mul'
  | 'div'
  | 'load'
  | 'store'
  | 'branch'
  | 'brTable'
  | 'call'
  | 'callIndirect'
  | 'memorySize'
  | 'memoryGrow'
  | 'bulk';

/** Groups that no deterministic schedule prices; `float`, `reference` and `table` are priced in tooling mode. */
export type ForbiddenGroup = 'float' | 'reference' | 'table' | 'simd' | 'atomic' | 'exception' | 'tailCall' | 'gc';

export type OpClass = CostClass | ForbiddenGroup;

export type Immediate =
  | 'none'
  | 'block'
  | 'label'
  | 'brTable'
  | 'func'
  | 'callIndirect'
  | 'local'
  | 'global'
  | 'memarg'
  | 'i32'
  | 'i64'
  | 'f32'
  | 'f64'
  | 'memory'
  | 'selectT'
  | 'table'
  | 'refNull'
  | 'data'
  | 'dataMemory'
  | 'memoryMemory'
  | 'elemTable'
  | 'tableTable'
  | 'elem';

/** Stack effects that depend on types are marked `-1` and handled by the walker. */
export type OpInfo = {
  readonly name: string;
  readonly cls: OpClass;
  readonly imm: Immediate;
  readonly pops: number;
  readonly pushes: number;
};

const op = (name: string, cls: OpClass, imm: Immediate, pops: number, pushes: number): OpInfo =>
  Object.freeze({ name, cls, imm, pops, pushes });

/** One-byte opcodes, indexed by opcode. */
export const OPCODES: ReadonlyArray<OpInfo | undefined> = buildSingleByte();
/** 0xFC-prefixed opcodes, indexed by the u32 sub-opcode. */
export const MISC_OPCODES: ReadonlyArray<OpInfo | undefined> = buildMisc();
/** Prefixes whose whole space belongs to one forbidden group. */
export const PREFIX_GROUPS: Readonly<Record<number, { group: ForbiddenGroup; name: string }>> = Object.freeze({
  251: { group: 'gc', name: 'gc/strings (0xFB prefix)' },
  253: { group: 'simd', name: 'simd (0xFD prefix)' },
  254: { group: 'atomic', name: 'threads/atomics (0xFE prefix)' },
});

function buildSingleByte(): Array<OpInfo | undefined> {
  const t: Array<OpInfo | undefined> = new Array(256).fill(undefined);
  const set = (code: number, info: OpInfo) => {
    t[code] = info;
  };
  set(0x00, op('unreachable', 'free', 'none', 0, 0));
  set(0x01, op('nop', 'free', 'none', 0, 0));
  set(0x02, op('block', 'free', 'block', -1, -1));
  set(0x03, op('loop', 'free', 'block', -1, -1));
  set(0x04, op('if', 'branch', 'block', -1, -1));
  set(0x05, op('else', 'free', 'none', -1, -1));
  set(0x06, op('try', 'exception', 'block', -1, -1));
  set(0x07, op('catch', 'exception', 'none', -1, -1));
  set(0x08, op('throw', 'exception', 'none', -1, -1));
  set(0x09, op('rethrow', 'exception', 'none', -1, -1));
  set(0x0a, op('throw_ref', 'exception', 'none', -1, -1));
  set(0x0b, op('end', 'free', 'none', -1, -1));
  set(0x0c, op('br', 'branch', 'label', -1, -1));
  set(0x0d, op('br_if', 'branch', 'label', 1, 0));
  set(0x0e, op('br_table', 'brTable', 'brTable', -1, -1));
  set(0x0f, op('return', 'branch', 'none', -1, -1));
  set(0x10, op('call', 'call', 'func', -1, -1));
  set(0x11, op('call_indirect', 'callIndirect', 'callIndirect', -1, -1));
  set(0x12, op('return_call', 'tailCall', 'none', -1, -1));
  set(0x13, op('return_call_indirect', 'tailCall', 'none', -1, -1));
  set(0x14, op('call_ref', 'gc', 'none', -1, -1));
  set(0x15, op('return_call_ref', 'gc', 'none', -1, -1));
  set(0x18, op('delegate', 'exception', 'none', -1, -1));
  set(0x19, op('catch_all', 'exception', 'none', -1, -1));
  set(0x1a, op('drop', 'free', 'none', 1, 0));
  set(0x1b, op('select', 'arith', 'none', 3, 1));
  set(0x1c, op('select', 'arith', 'selectT', 3, 1));
  set(0x1f, op('try_table', 'exception', 'none', -1, -1));
  set(0x20, op('local.get', 'local', 'local', 0, 1));
  set(0x21, op('local.set', 'local', 'local', 1, 0));
  set(0x22, op('local.tee', 'local', 'local', 1, 1));
  set(0x23, op('global.get', 'global', 'global', 0, 1));
  set(0x24, op('global.set', 'global', 'global', 1, 0));
  set(0x25, op('table.get', 'table', 'table', 1, 1));
  set(0x26, op('table.set', 'table', 'table', 2, 0));
  const loads = [
    'i32.load',
    'i64.load',
    'f32.load',
    'f64.load',
    'i32.load8_s',
    'i32.load8_u',
    'i32.load16_s',
    'i32.load16_u',
    'i64.load8_s',
    'i64.load8_u',
    'i64.load16_s',
    'i64.load16_u',
    'i64.load32_s',
    'i64.load32_u',
  ];
  loads.forEach((name, i) => {
    set(0x28 + i, op(name, name.startsWith('f') ? 'float' : 'load', 'memarg', 1, 1));
  });
  const stores = [
    'i32.store',
    'i64.store',
    'f32.store',
    'f64.store',
    'i32.store8',
    'i32.store16',
    'i64.store8',
    'i64.store16',
    'i64.store32',
  ];
  stores.forEach((name, i) => {
    set(0x36 + i, op(name, name.startsWith('f') ? 'float' : 'store', 'memarg', 2, 0));
  });
  set(0x3f, op('memory.size', 'memorySize', 'memory', 0, 1));
  set(0x40, op('memory.grow', 'memoryGrow', 'memory', 1, 1));
  set(0x41, op('i32.const', 'const', 'i32', 0, 1));
  set(0x42, op('i64.const', 'const', 'i64', 0, 1));
  set(0x43, op('f32.const', 'float', 'f32', 0, 1));
  set(0x44, op('f64.const', 'float', 'f64', 0, 1));

  const compares = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
  set(0x45, op('i32.eqz', 'arith', 'none', 1, 1));
  compares.forEach((name, i) => {
    set(0x46 + i, op(`i32.${name}`, 'arith', 'none', 2, 1));
  });
  set(0x50, op('i64.eqz', 'arith', 'none', 1, 1));
  compares.forEach((name, i) => {
    set(0x51 + i, op(`i64.${name}`, 'arith', 'none', 2, 1));
  });
  const floatCompares = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];
  floatCompares.forEach((name, i) => {
    set(0x5b + i, op(`f32.${name}`, 'float', 'none', 2, 1));
  });
  floatCompares.forEach((name, i) => {
    set(0x61 + i, op(`f64.${name}`, 'float', 'none', 2, 1));
  });

  const intUnary = ['clz', 'ctz', 'popcnt'];
  const intBinary: Array<[string, CostClass]> = [
    ['add', 'arith'],
    ['sub', 'arith'],
    ['mul', 'mul'],
    ['div_s', 'div'],
    ['div_u', 'div'],
    ['rem_s', 'div'],
    ['rem_u', 'div'],
    ['and', 'arith'],
    ['or', 'arith'],
    ['xor', 'arith'],
    ['shl', 'arith'],
    ['shr_s', 'arith'],
    ['shr_u', 'arith'],
    ['rotl', 'arith'],
    ['rotr', 'arith'],
  ];
  for (const [base, prefix] of [
    [0x67, 'i32'],
    [0x79, 'i64'],
  ] as const) {
    intUnary.forEach((name, i) => {
      set(base + i, op(`${prefix}.${name}`, 'arith', 'none', 1, 1));
    });
    intBinary.forEach(([name, cls], i) => {
      set(base + 3 + i, op(`${prefix}.${name}`, cls, 'none', 2, 1));
    });
  }
  const floatUnary = ['abs', 'neg', 'ceil', 'floor', 'trunc', 'nearest', 'sqrt'];
  const floatBinary = ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'];
  for (const [base, prefix] of [
    [0x8b, 'f32'],
    [0x99, 'f64'],
  ] as const) {
    floatUnary.forEach((name, i) => {
      set(base + i, op(`${prefix}.${name}`, 'float', 'none', 1, 1));
    });
    floatBinary.forEach((name, i) => {
      set(base + 7 + i, op(`${prefix}.${name}`, 'float', 'none', 2, 1));
    });
  }
  const conversions: Array<[string, OpClass]> = [
    ['i32.wrap_i64', 'arith'],
    ['i32.trunc_f32_s', 'float'],
    ['i32.trunc_f32_u', 'float'],
    ['i32.trunc_f64_s', 'float'],
    ['i32.trunc_f64_u', 'float'],
    ['i64.extend_i32_s', 'arith'],
    ['i64.extend_i32_u', 'arith'],
    ['i64.trunc_f32_s', 'float'],
    ['i64.trunc_f32_u', 'float'],
    ['i64.trunc_f64_s', 'float'],
    ['i64.trunc_f64_u', 'float'],
    ['f32.convert_i32_s', 'float'],
    ['f32.convert_i32_u', 'float'],
    ['f32.convert_i64_s', 'float'],
    ['f32.convert_i64_u', 'float'],
    ['f32.demote_f64', 'float'],
    ['f64.convert_i32_s', 'float'],
    ['f64.convert_i32_u', 'float'],
    ['f64.convert_i64_s', 'float'],
    ['f64.convert_i64_u', 'float'],
    ['f64.promote_f32', 'float'],
    ['i32.reinterpret_f32', 'float'],
    ['i64.reinterpret_f64', 'float'],
    ['f32.reinterpret_i32', 'float'],
    ['f64.reinterpret_i64', 'float'],
    ['i32.extend8_s', 'arith'],
    ['i32.extend16_s', 'arith'],
    ['i64.extend8_s', 'arith'],
    ['i64.extend16_s', 'arith'],
    ['i64.extend32_s', 'arith'],
  ];
  conversions.forEach(([name, cls], i) => {
    set(0xa7 + i, op(name, cls, 'none', 1, 1));
  });
  set(0xd0, op('ref.null', 'reference', 'refNull', 0, 1));
  set(0xd1, op('ref.is_null', 'reference', 'none', 1, 1));
  set(0xd2, op('ref.func', 'reference', 'func', 0, 1));
  for (const [code, name] of [
    [0xd3, 'ref.eq'],
    [0xd4, 'ref.as_non_null'],
    [0xd5, 'br_on_null'],
    [0xd6, 'br_on_non_null'],
  ] as const) {
    set(code, op(name, 'gc', 'none', -1, -1));
  }
  return t;
}

function buildMisc(): Array<OpInfo | undefined> {
  const t: Array<OpInfo | undefined> = new Array(18).fill(undefined);
  ['i32.trunc_sat_f32_s', 'i32.trunc_sat_f32_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u'].forEach((name, i) => {
    t[i] = op(name, 'float', 'none', 1, 1);
  });
  ['i64.trunc_sat_f32_s', 'i64.trunc_sat_f32_u', 'i64.trunc_sat_f64_s', 'i64.trunc_sat_f64_u'].forEach((name, i) => {
    t[4 + i] = op(name, 'float', 'none', 1, 1);
  });
  t[8] = op('memory.init', 'bulk', 'dataMemory', 3, 0);
  t[9] = op('data.drop', 'bulk', 'data', 0, 0);
  t[10] = op('memory.copy', 'bulk', 'memoryMemory', 3, 0);
  t[11] = op('memory.fill', 'bulk', 'memory', 3, 0);
  t[12] = op('table.init', 'table', 'elemTable', 3, 0);
  t[13] = op('elem.drop', 'table', 'elem', 0, 0);
  t[14] = op('table.copy', 'table', 'tableTable', 3, 0);
  t[15] = op('table.grow', 'table', 'table', 2, 1);
  t[16] = op('table.size', 'table', 'table', 0, 1);
  t[17] = op('table.fill', 'table', 'table', 3, 0);
  return t;
}

/** Value type bytes. */
export const VALTYPE = Object.freeze({
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
});

export function valtypeName(byte: number): string {
  switch (byte) {
    case 0x7f:
      return 'i32';
    case 0x7e:
      return 'i64';
    case 0x7d:
      return 'f32';
    case 0x7c:
      return 'f64';
    case 0x7b:
      return 'v128';
    case 0x70:
      return 'funcref';
    case 0x6f:
      return 'externref';
    default:
      return `type 0x${byte.toString(16)}`;
  }
}
