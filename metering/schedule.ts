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

/** The schedule new contracts are metered with. */
export const CURRENT_SCHEDULE: CostSchedule = SCHEDULE_V1;

/** Every published schedule by version, for re-metering and for checking a stored contract's version. */
export const SCHEDULES: Readonly<Record<number, CostSchedule>> = Object.freeze({ 1: SCHEDULE_V1 });

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
