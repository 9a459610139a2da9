/**
 * test/: cross-folder, end-to-end and property tests. Shared helpers for those tests are exported here.
 * @module
 */

export { decodeReferenceModule, type RefModule, Unsupported } from '../vm/index.js';
export { callSummary } from './callSummary.js';
export { type DevnetProcess, type RpcAnswer, spawnDevnet } from './devnetProcess.js';
export { devTransfer } from './devTransfer.js';
export { instantiateMetered, type MeteredInstance, type MeteredOutcome } from './meteredRun.js';
export { rejection } from './rejection.js';
export { type BinResult, GASKET_BIN, REPO_ROOT, runGasket, runGasketAsync } from './runBin.js';
export { HEADER, leb, moduleWithBodies, name, section, uleb, vector } from './wasmBytes.js';
export {
  arbitraryModule,
  assembleModule,
  buildModuleText,
  FUEL,
  type GeneratedModule,
  type GeneratorOptions,
  type GenType,
  HOST_IMPORT,
  hostFunction,
  LOOP_MAX,
  loadAssembler,
} from './wasmRef/arbitraryModule.js';
export {
  type HostFunction,
  type OracleOptions as RefOptions,
  type RefOutcome,
  type RefRun,
  type RefValue,
  runReference,
} from './wasmRef/interpret.js';
export { loadWat, wat } from './wat.js';
export { COUNTER_WAT, HOST_IMPORTS_WAT, PROXY_WAT, STORE_WAT } from './watContracts.js';
