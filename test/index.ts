/**
 * test/: cross-folder, end-to-end and property tests. Shared helpers for those tests are exported here.
 * @module
 */
export { type BinResult, GASKET_BIN, REPO_ROOT, runGasket } from './runBin.js';
