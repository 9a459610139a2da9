/**
 * The oracle's gas weights, written from metering/SPEC.md's table "Weights, schedule version 4" and kept apart
 * from metering/'s tables on purpose: a test cross-checks that both agree class by class, and the oracle's class of
 * each opcode is this file's own reading of the SPEC.
 * @module
 */

/** Weight of each instruction class, as SPEC.md lists it (schedule version 4). */
export const REF_WEIGHTS = Object.freeze({
  free: 0,
  const: 1,
  local: 1,
  global: 1,
  arith: 1,
  mul: 1,
  div: 45,
  load: 190,
  store: 1,
  branch: 1,
  brTable: 40,
  call: 80,
  callIndirect: 95,
  memorySize: 1,
  memoryGrow: 1_000_000,
  bulk: 90,
});

export type RefClass = keyof typeof REF_WEIGHTS;

/**
 * SPEC.md, "Loads by reachable memory" (schedule version 4): [most pages a module's memory can reach, load weight];
 * the first row that covers the module applies.
 */
export const REF_LOAD_WEIGHT_BY_MEMORY: readonly (readonly [number, number])[] = Object.freeze([
  [1, 30],
  [4, 45],
  [16, 90],
  [65_536, 190],
]);

/** The load weight of a module whose memory can reach `pages` pages. */
export function refLoadWeight(pages: number): number {
  const row = REF_LOAD_WEIGHT_BY_MEMORY.find(([maxPages]) => pages <= maxPages);
  return row ? row[1] : REF_WEIGHTS.load;
}

/** Dynamic costs (SPEC.md, "Dynamic costs"). */
export const REF_MEMORY_GROW_PER_PAGE = 290_000;
/** Per page of the memory's size before the grow (SPEC.md, schedule version 3). */
export const REF_MEMORY_GROW_PER_CURRENT_PAGE = 500_000;
export const REF_BULK_PER_BYTE = 1;

/** Class of an opcode (0xFC-prefixed: 0xFC00 + sub-opcode), for every opcode the oracle runs. */
export function refClassOf(op: number): RefClass {
  const cls = CLASS_BY_OP.get(op);
  if (cls === undefined) throw new Error(`no weight class for opcode 0x${op.toString(16)}`);
  return cls;
}

const CLASS_BY_OP = new Map<number, RefClass>();
const range = (from: number, to: number, cls: RefClass) => {
  for (let op = from; op <= to; op++) CLASS_BY_OP.set(op, cls);
};
// Control: nop, block, loop, else, end, drop, unreachable are free.
for (const op of [0x00, 0x01, 0x02, 0x03, 0x05, 0x0b, 0x1a]) CLASS_BY_OP.set(op, 'free');
for (const op of [0x04, 0x0c, 0x0d, 0x0f]) CLASS_BY_OP.set(op, 'branch'); // if, br, br_if, return
CLASS_BY_OP.set(0x0e, 'brTable');
CLASS_BY_OP.set(0x10, 'call');
CLASS_BY_OP.set(0x11, 'callIndirect');
CLASS_BY_OP.set(0x1b, 'arith'); // select (and select t, decoded as 0x1b)
CLASS_BY_OP.set(0x1c, 'arith');
range(0x20, 0x22, 'local');
range(0x23, 0x24, 'global');
range(0x28, 0x35, 'load'); // i32/i64 loads (the float loads 0x2a, 0x2b are rejected by the decoder)
range(0x36, 0x3e, 'store');
CLASS_BY_OP.set(0x3f, 'memorySize');
CLASS_BY_OP.set(0x40, 'memoryGrow');
range(0x41, 0x42, 'const');
range(0x45, 0x5a, 'arith'); // i32/i64 eqz and comparisons
// i32: clz ctz popcnt add sub (0x67-0x6b), mul 0x6c, div_s div_u rem_s rem_u (0x6d-0x70), and..rotr (0x71-0x78).
range(0x67, 0x6b, 'arith');
CLASS_BY_OP.set(0x6c, 'mul');
range(0x6d, 0x70, 'div');
range(0x71, 0x78, 'arith');
// i64: same layout from 0x79.
range(0x79, 0x7d, 'arith');
CLASS_BY_OP.set(0x7e, 'mul');
range(0x7f, 0x82, 'div');
range(0x83, 0x8a, 'arith');
for (const op of [0xa7, 0xac, 0xad]) CLASS_BY_OP.set(op, 'arith'); // wrap, extend_s, extend_u
range(0xc0, 0xc4, 'arith'); // sign extension
range(0xfc08, 0xfc0b, 'bulk'); // memory.init, data.drop, memory.copy, memory.fill
