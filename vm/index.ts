/**
 * vm/: the public face of contract execution: the VM (deploy, execute, call frames), the host ABI's prices and
 * limits, account records and the module cache. Other folders import vm only through this file.
 * Host ABI reference: docs/host-abi.md.
 * @module
 */

export {
  ACCOUNT_FORMAT_VERSION,
  type Account,
  contractAddress,
  decodeAccount,
  EMPTY_ACCOUNT,
  encodeAccount,
  moveBalance,
  readAccount,
  readCode,
  U128_MAX,
  writeAccount,
} from './accounts.js';
export { type EngineInstance, type EngineModule, v8Engine, type WasmEngine } from './engine.js';
export { HostTrap, VmError, type VmErrorCode } from './errors.js';
export type { BlockContext, CallResult, CallStatus, TraceFrame, TraceHostCall, VmEvent, VmLog } from './frame.js';
export { CALL_STATUS } from './hostAbi.js';
export {
  CURRENT_HOST_COSTS,
  HOST_COSTS_V1,
  HOST_COSTS_V2,
  HOST_COSTS_V3,
  HOST_COSTS_V4,
  HOST_LIMITS,
  type HostCost,
  type HostCostTable,
} from './hostCosts.js';
export { type CacheStats, ModuleCache, type ModuleCacheOptions } from './moduleCache.js';
export {
  decodeModule as decodeReferenceModule,
  type FuncType,
  type Instr,
  type RefModule,
  Unsupported,
  type ValType,
} from './reference/decode.js';
export { referenceEngine } from './reference/engine.js';
export {
  type HostFunction,
  type ReferenceGasModel,
  ReferenceMachine,
  ReferenceTrap,
  type RefOptions,
  type RefOutcome,
  type RefRun,
  type RefValue,
} from './reference/interpreter.js';
export {
  createVm,
  DEFAULT_MAX_CALL_DEPTH,
  type DeployParams,
  type DeployResult,
  deployItemsCost,
  type ExecuteParams,
  Vm,
  type VmOptions,
} from './vm.js';
