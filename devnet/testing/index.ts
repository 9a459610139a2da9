/**
 * gasket/testing: the determinism test kit. An in-process chain for tests (`createTestChain`), fast-check
 * arbitraries driven by contract interfaces, `checkDeterminism` (the same sequence on fresh chains, in child
 * processes under other V8 tiers, and on the reference interpreter), invariant helpers and gas reports.
 * Guide: docs/testing.md.
 * @module
 */

/** fast-check itself, the version the kit's arbitraries are built with. */
export { default as fc } from 'fast-check';
export {
  type ArbitraryContext,
  abiValue,
  accountIndex,
  addressArg,
  amount,
  type CallOptions,
  callTx,
  methodArgs,
  msgpackValue,
  type SequenceOptions,
  txSequence,
} from './arbitraries.js';
export {
  type CheckDeterminismOptions,
  checkDeterminism,
  compareRecords,
  DEFAULT_RUNS,
  type DeterminismReport,
  type DeterminismRun,
  type ReplayRecord,
  replay,
  type StepRecord,
} from './determinism.js';
export { DeterminismError, type Difference, InvariantError, TestKitError, type TestKitErrorCode } from './errors.js';
export {
  formatGasReport,
  type GasReportRow,
  gasReportRows,
  type HostCallProfileRow,
  hostCallProfile,
  printGasReport,
} from './gasReport.js';
export { invariant, type RunSequenceOptions, runSequence, type Step } from './invariants.js';
export {
  type AddressRef,
  accountRef,
  type CallTx,
  type ChainSetup,
  type ContractSetup,
  contractRef,
  deploySetup,
  describeTx,
  runTx,
  type TestTx,
  type TransferTx,
} from './sequence.js';
export {
  createTestChain,
  DEFAULT_TX_GAS,
  type DeployOptions,
  type Sender,
  type TestAccount,
  TestChain,
  type TestChainOptions,
  TestContract,
  type TestReceipt,
  type TxOptions,
} from './testChain.js';
