/**
 * The types a call frame is made of: what a host function can see of the call it serves (`Frame`), what it can
 * ask of the VM (`CallRuntime`), and the result every call, nested or not, ends in.
 * @module
 */
import type { StateBackend } from '../state/index.js';
import type { EngineInstance } from './engine.js';
import type { VmErrorCode } from './errors.js';
import type { HostCostTable } from './hostCosts.js';

export type BlockContext = {
  /** Height of the block the call executes in. */
  readonly height: bigint;
  /** Block time in seconds, set by the sequencer: the only clock a contract sees. */
  readonly timestamp: bigint;
};

export type VmEvent = { readonly contract: Uint8Array; readonly topic: Uint8Array; readonly data: Uint8Array };
export type VmLog = { readonly contract: Uint8Array; readonly message: string };

export type CallStatus = 'ok' | 'revert' | 'trap' | 'out_of_gas';

export type CallResult = {
  readonly status: CallStatus;
  /** `return_data` on success; the revert data on a revert; empty otherwise. */
  readonly returnData: Uint8Array;
  /** Exact gas for ok and revert; the whole limit for trap and out_of_gas. */
  readonly gasUsed: bigint;
  /** Events of this call and its successful nested calls; empty unless ok. */
  readonly events: readonly VmEvent[];
  /** Debug logs, kept whatever the status. */
  readonly logs: readonly VmLog[];
  readonly error?: { readonly code: VmErrorCode | string; readonly message: string };
  /** The call tree, when the call was traced. */
  readonly trace?: TraceFrame;
};

/** One host call inside a traced frame, in order, with the gas it charged (a nested call: the callee's too). */
export type TraceHostCall = {
  readonly op: string;
  readonly gas: bigint;
  readonly detail?: Readonly<Record<string, Uint8Array | bigint | string | number | boolean | null>>;
  /** For `call`: the callee's frame. */
  readonly call?: TraceFrame;
};

/**
 * A traced call frame: recorded at frame and host-call granularity only (never per instruction), so execution
 * without tracing is unchanged. `gasUsed` is the frame's total; its own share is `gasUsed` minus its calls'.
 */
export type TraceFrame = {
  readonly contract: Uint8Array;
  readonly caller: Uint8Array;
  readonly method: string;
  readonly input: Uint8Array;
  readonly value: bigint;
  readonly depth: number;
  readonly gasLimit: bigint;
  gasUsed: bigint;
  status: CallStatus | undefined;
  returnData: Uint8Array;
  error: { readonly code: string; readonly message: string } | undefined;
  readonly hostCalls: TraceHostCall[];
};

export type Frame = {
  readonly contract: Uint8Array;
  readonly caller: Uint8Array;
  readonly signer: Uint8Array;
  readonly value: bigint;
  readonly input: Uint8Array;
  readonly readOnly: boolean;
  readonly depth: number;
  returnData: Uint8Array;
  /** The result buffer: last storage_read value or nested call's return data. */
  result: Uint8Array;
  events: VmEvent[];
  logs: VmLog[];
  /** Set when the call is traced. */
  readonly trace: TraceFrame | undefined;
};

export type NestedCall = {
  readonly contract: Uint8Array;
  readonly method: string;
  readonly args: Uint8Array;
  readonly value: bigint;
  readonly gasLimit: bigint;
  readonly stackBase: number;
};

export interface CallRuntime {
  readonly state: StateBackend;
  readonly block: BlockContext;
  readonly costs: HostCostTable;
  /** Stack units a nested call adds for the host frames between the two contracts. */
  readonly hostFrameStackUnits: number;
  callNested(parent: Frame, call: NestedCall): CallResult;
}

/** What an instance's host functions serve: set by the VM for each call on that instance. */
export type HostSlot = {
  frame: Frame | undefined;
  instance: PooledInstance | undefined;
  /** The VM running the call: instances are cached across VMs sharing a module cache, so it is set per call. */
  runtime: CallRuntime | undefined;
};

/** An exported memory as the VM uses it: the buffer may be replaced when the memory grows. */
export type WasmMemory = { readonly buffer: ArrayBuffer };
/** An exported mutable global: i32 as number, i64 as bigint. */
export type WasmGlobal = { value: number | bigint };

/** A contract instance that the module cache lends to one call at a time. */
export type PooledInstance = {
  readonly instance: EngineInstance;
  readonly memory: WasmMemory;
  readonly gas: WasmGlobal;
  readonly stack: WasmGlobal;
  readonly trap: WasmGlobal;
  readonly reset: () => void;
  /** The frame the host functions of this instance serve; set for each call. */
  readonly slot: HostSlot;
  /** Memory right after instantiation. */
  readonly image: Uint8Array;
  /** Whether a call has run on it since the last reset. */
  dirty: boolean;
};
