/**
 * test/: cross-folder, end-to-end and property tests. Shared helpers for those tests are exported here.
 * @module
 */

export { instantiateMetered, type MeteredInstance, type MeteredOutcome } from './meteredRun.js';
export { type BinResult, GASKET_BIN, REPO_ROOT, runGasket } from './runBin.js';
export { HEADER, leb, moduleWithBodies, name, section, uleb, vector } from './wasmBytes.js';
export { loadWat, wat } from './wat.js';
