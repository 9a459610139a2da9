/**
 * metering/: the public face of the wasm rewriter: determinism gate, gas and stack-limit injection, memory cap.
 * Other folders import metering only through this file. Semantics: metering/SPEC.md.
 * @module
 */

export type { CostClass, ForbiddenGroup, OpClass } from './_opcodes.js';
export { TRAP_REASON } from './applyPlan.js';
export type { Export, ExternKind } from './decodeModule.js';
export { MeteringError, type MeteringErrorCode, type MeteringLocation } from './errors.js';
export { HOST_MODULE } from './gateModule.js';
export {
  type InstrumentErrorType,
  type InstrumentedContract,
  type InstrumentOptions,
  type InstrumentReport,
  instrument,
  METERING_EXPORTS,
} from './instrument.js';
export {
  DEFAULT_LIMITS,
  FRAME_BASE_UNITS,
  LIMITS_BY_VERSION,
  LIMITS_V1,
  LIMITS_V2,
  LIMITS_VERSION,
  type MeteringLimits,
} from './limits.js';
export {
  type CostSchedule,
  CURRENT_SCHEDULE,
  type LoadWeightClass,
  loadWeightFor,
  SCHEDULE_V1,
  SCHEDULE_V2,
  SCHEDULE_V3,
  SCHEDULE_V4,
  SCHEDULES,
  scheduleForMemory,
} from './schedule.js';
