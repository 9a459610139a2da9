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
  /**
   * Schedule 4: the weight of a load by the most memory it can reach (the module's maximum after metering's cap),
   * ascending by `maxPages`; the first class whose `maxPages` covers the module applies, and the last class must
   * cover 65,536 pages. Absent: every load weighs `weights.load`.
   */
  readonly loadWeightByMemory?: readonly LoadWeightClass[];
};

/** Loads of a module that can reach at most `maxPages` pages of memory weigh `weight`. */
export type LoadWeightClass = { readonly maxPages: number; readonly weight: number };

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

/**
 * Version 4 (issue 12, from dependent loads): a chain of loads, each address the value loaded before, waits the
 * full latency of the cache level the memory fits in, which no flat load price tracks (a pointer chase over 4 MiB
 * ran 57x below the median honest gas/s with loads at 2). A load is priced by the memory it can reach, the
 * module's maximum after the cap, so that a chase in each class stays within the 3x target: the weights come from
 * `npm run bench:gas`'s pointer-chase rows (docs/gas-calibration.md). A contract that declares a small maximum
 * memory gets cheaper loads. Integer division goes from 20 to 45, the calibration's figure for a dependent chain (an
 * `i64.div_s` chain ran 3x below the median); `call` from 40 to 80 and `call_indirect` from 55 to 95, near or above the
 * calibration's 62 and 61 (a call of a function with 4,000 locals ran 3x below); bulk memory from 50 to 90 a call
 * (a `memory.fill` of 0 bytes, a call into V8's runtime, ran 3x below).
 */
export const SCHEDULE_V4: CostSchedule = Object.freeze({
  version: 4,
  weights: Object.freeze({
    ...V2_WEIGHTS,
    memoryGrow: 1_000_000,
    div: 45,
    load: 190,
    call: 80,
    callIndirect: 95,
    bulk: 90,
  }),
  memoryGrowPerPage: 290_000,
  memoryGrowPerCurrentPage: 500_000,
  bulkPerByte: 1,
  loadWeightByMemory: Object.freeze([
    Object.freeze({ maxPages: 1, weight: 30 }),
    Object.freeze({ maxPages: 4, weight: 45 }),
    Object.freeze({ maxPages: 16, weight: 90 }),
    Object.freeze({ maxPages: 65_536, weight: 190 }),
  ]),
});

/** The schedule new contracts are metered with. */
export const CURRENT_SCHEDULE: CostSchedule = SCHEDULE_V4;

/** Every published schedule by version, for re-metering and for checking a stored contract's version. */
export const SCHEDULES: Readonly<Record<number, CostSchedule>> = Object.freeze({
  1: SCHEDULE_V1,
  2: SCHEDULE_V2,
  3: SCHEDULE_V3,
  4: SCHEDULE_V4,
});

const byMemoryClass = new WeakMap<CostSchedule, Map<number, CostSchedule>>();

/**
 * The schedule as it prices a module whose memory can reach at most `reachablePages` pages: `weights.load` replaced
 * by the load weight of its class (schedule 4 on). The same object for the same class, so per-schedule caches of
 * derived tables keep working.
 */
export function scheduleForMemory(schedule: CostSchedule, reachablePages: number): CostSchedule {
  const classes = schedule.loadWeightByMemory;
  if (!classes) return schedule;
  const weight = loadWeightFor(classes, reachablePages);
  let perWeight = byMemoryClass.get(schedule);
  if (!perWeight) byMemoryClass.set(schedule, (perWeight = new Map()));
  let priced = perWeight.get(weight);
  if (!priced) {
    priced = Object.freeze({ ...schedule, weights: Object.freeze({ ...schedule.weights, load: weight }) });
    perWeight.set(weight, priced);
  }
  return priced;
}

/** The weight of the first class that covers `pages` (the last class covers every size). */
export function loadWeightFor(classes: readonly LoadWeightClass[], pages: number): number {
  for (const cls of classes) if (pages <= cls.maxPages) return cls.weight;
  return classes[classes.length - 1]!.weight;
}

/**
 * The relaxed pricing of tooling mode (spec tests, tools): floats, reference values and table instructions are
 * priced like integer arithmetic. Never used for contracts.
 */
export function toolingSchedule(base: CostSchedule): CostSchedule {
  // One derived schedule per base: the per-schedule caches (load classes, opcode weight tables) stay warm across calls.
  let tooling = toolingSchedules.get(base);
  if (!tooling) {
    const arith = base.weights.arith ?? 1;
    tooling = Object.freeze({
      ...base,
      weights: Object.freeze({ ...base.weights, float: arith, reference: arith, table: arith }),
    });
    toolingSchedules.set(base, tooling);
  }
  return tooling;
}
const toolingSchedules = new WeakMap<CostSchedule, CostSchedule>();
