/**
 * The gas price list of the host ABI, version 1: a frozen table, never edited once published (a change adds
 * HOST_COSTS_V2). Every host call pays `hostCall` plus its own `base`, plus `perByte` for each byte it reads from
 * or writes to contract memory or state. Formulas per function: docs/host-abi.md. Wasm instructions are priced by
 * metering's schedule in the same unit (1 gas is roughly one simple instruction).
 * @module
 */

export type HostCost = { readonly base: bigint; readonly perByte: bigint };

const cost = (base: number, perByte = 0): HostCost => Object.freeze({ base: BigInt(base), perByte: BigInt(perByte) });

export const HOST_COSTS_V1 = Object.freeze({
  version: 1,
  /** Every host call: crossing the wasm/JS boundary. */
  hostCall: 40n,
  /** Starting a call frame (instance checkout and reset), top-level or nested. */
  callFrame: 2_000n,
  /** Deploying: per byte of the original module (validation, metering, compile). */
  deployPerByte: 20n,
  deployBase: 20_000n,
  input_size: cost(0),
  input_read: cost(0, 1),
  return_data: cost(0, 1),
  revert: cost(0, 1),
  result_size: cost(0),
  result_read: cost(0, 1),
  storage_read: cost(1_500, 2),
  storage_write: cost(5_000, 20),
  storage_remove: cost(3_000, 2),
  caller: cost(10),
  signer: cost(10),
  self_address: cost(10),
  value_received: cost(10),
  balance: cost(1_000),
  transfer: cost(4_000),
  block_height: cost(0),
  block_timestamp: cost(0),
  gas_left: cost(0),
  emit: cost(500, 8),
  log: cost(100, 2),
  call: cost(5_000, 2),
  sha256: cost(200, 4),
  keccak256: cost(200, 8),
  blake3: cost(200, 3),
  ed25519_verify: cost(40_000, 4),
  abort: cost(0, 1),
});

export type HostCostTable = typeof HOST_COSTS_V1;

/** Sizes the host refuses past (a trap with code BAD_POINTER), whatever gas remains. */
export const HOST_LIMITS = Object.freeze({
  maxStorageKeyBytes: 1_024,
  maxStorageValueBytes: 1 << 20,
  maxReturnBytes: 1 << 20,
  maxInputBytes: 1 << 20,
  maxEventTopicBytes: 256,
  maxEventDataBytes: 64 * 1024,
  maxLogBytes: 16 * 1024,
  maxMethodNameBytes: 256,
  maxHashInputBytes: 1 << 20,
  maxRevertBytes: 64 * 1024,
});
