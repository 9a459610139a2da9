/**
 * Errors of vm/. `VmError` is thrown to the VM's caller for misuse (bad parameters). `HostTrap` is thrown by a
 * host function through the running wasm to stop it; the VM turns it into a call result with the same `code`.
 * @module
 */
import { GasketError } from '../errors.js';

export type VmErrorCode =
  /** Gas ran out (in wasm or in a host function). */
  | 'OUT_OF_GAS'
  /** The deterministic stack budget was exhausted. */
  | 'STACK_LIMIT'
  /** A wasm trap: unreachable, memory out of bounds, division by zero, ... */
  | 'TRAP'
  /** The contract called `revert`. */
  | 'REVERT'
  /** AssemblyScript's `abort` (a failed assert or a panic). */
  | 'ABORT'
  /** A pointer or length outside the contract's memory, or over a host limit. */
  | 'BAD_POINTER'
  /** A write, transfer or emit in a read-only call. */
  | 'READ_ONLY'
  /** A cross-contract call past the maximum depth. */
  | 'CALL_DEPTH'
  /** The method does not exist, or is not callable (init, reserved names, not `() -> ()`). */
  | 'NO_METHOD'
  /** No contract at the address. */
  | 'NO_CONTRACT'
  /** The address already holds a contract. */
  | 'ADDRESS_TAKEN'
  /** The sender cannot pay the value it sends. */
  | 'INSUFFICIENT_BALANCE'
  /** Bad parameters to a VM function. */
  | 'BAD_INPUT'
  /** A bug in Gasket: an exception that is not a trap. */
  | 'INTERNAL';

export class VmError extends GasketError {
  override name = 'VmError';
  declare readonly code: VmErrorCode;
  constructor(code: VmErrorCode, message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}

/** Thrown inside host functions to stop the running contract; never escapes the VM. */
export class HostTrap extends Error {
  override name = 'HostTrap';
  constructor(
    readonly code: VmErrorCode,
    message: string,
    /** For reverts: the revert data the contract gave. */
    readonly data?: Uint8Array,
  ) {
    super(message);
  }
}
