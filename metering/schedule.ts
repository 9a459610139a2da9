/**
 * Cost schedules: frozen, versioned tables of gas weights per instruction class, plus the dynamic rates of
 * memory.grow and bulk memory. A published schedule is never edited; a change adds a new version, and every
 * instrumented contract records the version it was metered with. A class a schedule leaves out is forbidden.
 * Semantics: metering/SPEC.md.
 * @module
 */
import type { CostClass, OpClass } from './_opcodes.js';

export type CostSchedule = {
  readonly version: number;
  /** Static gas of one instruction of each class; a missing class is forbidden. */
  readonly weights: Readonly<Partial<Record<OpClass, number>>>;
  /** Gas per 64 KiB page requested by memory.grow (charged whether or not the grow succeeds). */
  readonly memoryGrowPerPage: number;
  /**
   * Gas per 64 KiB page of the memory's size before a memory.grow (schedule 3; absent means 0): an instance whose
   * memory grew cannot be restored, so the node instantiates the contract afresh, a cost that grows with its memory.
   */
  readonly memoryGrowPerCurrentPage?: number;
  /** Gas per byte of memory.copy, memory.fill and memory.init. */
  readonly bulkPerByte: number;
};

const V1_WEIGHTS = Object.freeze({
  free: 0,
  const: 1,
  local: 1,
  global: 2,
  arith: 1,
  mul: 2,
  div: 8,
  load: 2,
  store: 2,
  branch: 1,
  brTable: 2,
  call: 4,
  callIndirect: 6,
  memorySize: 1,
  memoryGrow: 16,
  bulk: 4,
} satisfies Record<CostClass, number>);

export const SCHEDULE_V1: CostSchedule = Object.freeze({
  version: 1,
  weights: V1_WEIGHTS,
  memoryGrowPerPage: 2048,
  bulkPerByte: 1,
});

/**
 * Version 2 (issue 12), calibrated (`npm run calibrate`, `npm run bench:gas`; figures and method in
 * docs/gas-calibration.md). The unit: 1 gas is 0.1 ns of this machine's time (10 gas per ns), about one simple
 * instruction as V8's optimising tier runs it (locals live in registers, several instructions a cycle), which is
 * what V1 meant by 1 gas. Simple classes keep 1. Integer division, calls, `call_indirect`, bulk memory and
 * `memory.grow` (a call into V8's runtime even for 0 pages; and an instance whose memory grew cannot be reused)
 * were measured slower per gas than the median honest workload and are priced up.
 */
const V2_WEIGHTS = Object.freeze({
  free: 0,
  const: 1,
  local: 1,
  global: 1,
  arith: 1,
  mul: 1,
  div: 20,
  load: 2,
  store: 1,
  branch: 1,
  brTable: 40,
  call: 40,
  callIndirect: 55,
  memorySize: 1,
  memoryGrow: 7_000,
  bulk: 50,
} satisfies Record<CostClass, number>);

export const SCHEDULE_V2: CostSchedule = Object.freeze({
  version: 2,
  weights: V2_WEIGHTS,
  memoryGrowPerPage: 290_000,
  bulkPerByte: 1,
});

/**
 * Version 3 (issue 12, from the adversarial search): version 2 plus the price of re-instantiation at memory.grow.
 * The search's worst contract grew a large initial memory and made every next call instantiate afresh (about
 * 100 us plus 50 us a page on the calibration machine) while the frame is priced for a restore (6 us a page):
 * 12x below the median honest gas/s. memory.grow now pays 1,000,000 (a new instance) plus 500,000 per page of
 * the memory's size before the grow, on top of version 2's 290,000 per page requested.
 */
export const SCHEDULE_V3: CostSchedule = Object.freeze({
  version: 3,
  weights: Object.freeze({ ...V2_WEIGHTS, memoryGrow: 1_000_000 }),
  memoryGrowPerPage: 290_000,
  memoryGrowPerCurrentPage: 500_000,
  bulkPerByte: 1,
});

/** The schedule new contracts are metered with. */
export const CURRENT_SCHEDULE: CostSchedule = SCHEDULE_V3;

/** Every published schedule by version, for re-metering and for checking a stored contract's version. */
export const SCHEDULES: Readonly<Record<number, CostSchedule>> = Object.freeze({
  1: SCHEDULE_V1,
  2: SCHEDULE_V2,
  3: SCHEDULE_V3,
});

/**
 * The relaxed pricing of tooling mode (spec tests, tools): floats, reference values and table instructions are
 * priced like integer arithmetic. Never used for contracts.
 */
export function toolingSchedule(base: CostSchedule): CostSchedule {
  const arith = base.weights.arith ?? 1;
  return Object.freeze({
    ...base,
    weights: Object.freeze({ ...base.weights, float: arith, reference: arith, table: arith }),
  });
}
