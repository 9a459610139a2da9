/**
 * The VM: deploys and executes instrumented contracts against a `StateBackend`. Every call, top-level or nested,
 * is a frame under its own state checkpoint: it commits when the call returns and reverts (writes, transfers and
 * events) on a revert, a trap or running out of gas, and the caller continues. Execution is synchronous: host
 * functions read state directly. Pattern: ethereumjs's EVM (checkpoint per message), with gas as bigint.
 * @module
 */
import { instrument, type MeteringError, type MeteringLimits } from '../metering/index.js';
import { codeKey, type StateBackend } from '../state/index.js';
import { contractAddress, moveBalance, readAccount, readCode, writeAccount } from './accounts.js';
import type { WasmEngine } from './engine.js';
import { HostTrap, VmError, type VmErrorCode } from './errors.js';
import type {
  BlockContext,
  CallResult,
  CallRuntime,
  Frame,
  HostSlot,
  NestedCall,
  TraceFrame,
  VmEvent,
  VmLog,
} from './frame.js';
import { createHostImports } from './hostAbi.js';
import { CURRENT_HOST_COSTS, HOST_LIMITS, type HostCostTable } from './hostCosts.js';
import { type CompiledContract, ModuleCache } from './moduleCache.js';
import { trapWords } from './wasmTraps.js';

export type ExecuteParams = {
  readonly contract: Uint8Array;
  readonly method: string;
  /** Argument bytes (msgpack by convention). */
  readonly args?: Uint8Array;
  readonly caller: Uint8Array;
  /** The account that signed the transaction; defaults to the caller. */
  readonly signer?: Uint8Array;
  readonly value?: bigint;
  readonly gasLimit: bigint;
  readonly block: BlockContext;
  readonly readOnly?: boolean;
  /** Record the call tree (frames and host calls with their gas) in `result.trace`. */
  readonly trace?: boolean;
};

export type DeployParams = {
  /** The contract as compiled (not yet metered). */
  readonly code: Uint8Array;
  readonly deployer: Uint8Array;
  /** The deployer's nonce: the contract address is derived from deployer and nonce. */
  readonly nonce: bigint;
  readonly initArgs?: Uint8Array;
  readonly value?: bigint;
  readonly gasLimit: bigint;
  readonly block: BlockContext;
  readonly signer?: Uint8Array;
  /** Trace the init call. */
  readonly trace?: boolean;
};

export type DeployResult = CallResult & {
  readonly address: Uint8Array;
  /** Hash of the instrumented code, when metering accepted it. */
  readonly codeHash: Uint8Array | undefined;
};

export type VmOptions = {
  readonly state: StateBackend;
  /** Share one cache between VMs over the same chain; default: a private one. */
  readonly cache?: ModuleCache;
  /** What runs the code when no cache is given (a cache brings its own). Default V8. */
  readonly engine?: WasmEngine;
  /** Nested call depth limit. Default 64. */
  readonly maxCallDepth?: number;
  readonly costs?: HostCostTable;
  /** Metering limits for deployed code. */
  readonly meteringLimits?: Partial<MeteringLimits>;
  /**
   * Wraps the host imports each new instance gets: for test doubles (a host that misbehaves on purpose, to show
   * that the determinism checks catch it). Never set on a real chain.
   */
  readonly wrapHostImports?: (imports: WebAssembly.Imports) => WebAssembly.Imports;
};

export const DEFAULT_MAX_CALL_DEPTH = 64;
const ADDRESS_BYTES = 32;
const EMPTY = new Uint8Array(0);
const RESERVED_PREFIX = '__gasket';
const INIT_METHOD = 'init';

export class Vm implements CallRuntime {
  readonly state: StateBackend;
  readonly cache: ModuleCache;
  readonly costs: HostCostTable;
  readonly maxCallDepth: number;
  readonly hostFrameStackUnits = 256;
  readonly #meteringLimits: Partial<MeteringLimits> | undefined;
  readonly #createImports: (slot: HostSlot) => WebAssembly.Imports;
  #block: BlockContext = { height: 0n, timestamp: 0n };

  constructor(options: VmOptions) {
    this.state = options.state;
    if (options.cache && options.engine && options.cache.engine !== options.engine) {
      throw new VmError(
        'BAD_INPUT',
        `the module cache runs on ${options.cache.engine.name}, not ${options.engine.name}`,
      );
    }
    this.cache = options.cache ?? new ModuleCache({ engine: options.engine });
    this.costs = options.costs ?? CURRENT_HOST_COSTS;
    this.maxCallDepth = options.maxCallDepth ?? DEFAULT_MAX_CALL_DEPTH;
    this.#meteringLimits = options.meteringLimits;
    const wrap = options.wrapHostImports;
    this.#createImports = wrap ? (slot) => wrap(createHostImports(slot)) : createHostImports;
  }

  get block(): BlockContext {
    return this.#block;
  }

  /** Runs one method of a deployed contract. Never throws for anything the contract does. */
  execute(params: ExecuteParams): CallResult {
    checkAddress(params.contract, 'contract');
    checkAddress(params.caller, 'caller');
    checkGas(params.gasLimit);
    if (params.method === INIT_METHOD) {
      return failure('revert', 'NO_METHOD', '`init` runs only once, at deploy', 0n);
    }
    this.#block = params.block;
    return this.#runFrame(
      {
        contract: params.contract,
        caller: params.caller,
        signer: params.signer ?? params.caller,
        value: params.value ?? 0n,
        input: params.args ?? EMPTY,
        readOnly: params.readOnly ?? false,
        depth: 0,
      },
      params.method,
      params.gasLimit,
      0,
      params.trace ?? false,
    );
  }

  /**
   * Meters and stores a contract at the address derived from deployer and nonce, then runs its `init` (if it
   * exports one) with `initArgs`. Nothing is stored unless init succeeds.
   */
  deploy(params: DeployParams): DeployResult {
    checkAddress(params.deployer, 'deployer');
    checkGas(params.gasLimit);
    this.#block = params.block;
    const address = contractAddress(params.deployer, params.nonce);
    let deployCost = this.costs.deployBase + this.costs.deployPerByte * BigInt(params.code.length);
    if (params.gasLimit < deployCost) {
      return {
        ...failure('out_of_gas', 'OUT_OF_GAS', `deploying needs ${deployCost} gas`, params.gasLimit),
        address,
        codeHash: undefined,
      };
    }
    let metered: ReturnType<typeof instrument>;
    try {
      metered = instrument(params.code, { limits: this.#meteringLimits });
    } catch (error) {
      const meteringError = error as MeteringError;
      if (typeof meteringError?.code !== 'string') throw error;
      return {
        ...failure('trap', meteringError.code, meteringError.message, deployCost),
        address,
        codeHash: undefined,
      };
    }
    // Per defined function (V8 compiles each one), per block and per local (table 3): known once the module is
    // analyzed, charged before anything is stored. The per-byte part above already bounds the work done so far.
    deployCost += deployItemsCost(this.costs, metered.report);
    if (params.gasLimit < deployCost) {
      return {
        ...failure('out_of_gas', 'OUT_OF_GAS', `deploying needs ${deployCost} gas`, params.gasLimit),
        address,
        codeHash: undefined,
      };
    }
    const state = this.state;
    state.checkpoint();
    const existing = readAccount(state, address);
    if (existing.codeHash) {
      state.revert();
      return {
        ...failure('revert', 'ADDRESS_TAKEN', `${hex(address)} already holds a contract`, deployCost),
        address,
        codeHash: metered.codeHash,
      };
    }
    state.put(codeKey(metered.codeHash), metered.code);
    writeAccount(state, address, { ...existing, codeHash: metered.codeHash });
    const value = params.value ?? 0n;
    if (!moveBalance(state, params.deployer, address, value)) {
      state.revert();
      return {
        ...failure('revert', 'INSUFFICIENT_BALANCE', `deployer cannot pay the value ${value}`, deployCost),
        address,
        codeHash: metered.codeHash,
      };
    }
    const hasInit = metered.exports.some((exp) => exp.kind === 'func' && exp.name === INIT_METHOD);
    let result: CallResult = { status: 'ok', returnData: EMPTY, gasUsed: 0n, events: [], logs: [] };
    if (hasInit) {
      result = this.#runFrame(
        {
          contract: address,
          caller: params.deployer,
          signer: params.signer ?? params.deployer,
          value: 0n,
          input: params.initArgs ?? EMPTY,
          readOnly: false,
          depth: 0,
        },
        INIT_METHOD,
        params.gasLimit - deployCost,
        0,
        params.trace ?? false,
      );
    }
    if (result.status === 'ok') state.commit();
    else state.revert();
    const gasUsed =
      result.status === 'ok' || result.status === 'revert' ? deployCost + result.gasUsed : params.gasLimit;
    return { ...result, gasUsed, address, codeHash: metered.codeHash };
  }

  callNested(parent: Frame, call: NestedCall): CallResult {
    return this.#runFrame(
      {
        contract: call.contract,
        caller: parent.contract,
        signer: parent.signer,
        value: call.value,
        input: call.args,
        readOnly: parent.readOnly,
        depth: parent.depth + 1,
      },
      call.method,
      call.gasLimit,
      call.stackBase,
      parent.trace !== undefined,
    );
  }

  /** Runs a frame; when traced, wraps it in a TraceFrame filled in from the result. */
  #runFrame(
    frameParams: Omit<Frame, 'returnData' | 'result' | 'events' | 'logs' | 'trace'>,
    method: string,
    gasLimit: bigint,
    stackBase: number,
    tracing: boolean,
  ): CallResult {
    if (!tracing) return this.#runFrameUntraced(frameParams, undefined, method, gasLimit, stackBase);
    const trace: TraceFrame = {
      contract: frameParams.contract,
      caller: frameParams.caller,
      method,
      input: frameParams.input,
      value: frameParams.value,
      depth: frameParams.depth,
      gasLimit,
      gasUsed: 0n,
      status: undefined,
      returnData: EMPTY,
      error: undefined,
      hostCalls: [],
    };
    const result = this.#runFrameUntraced(frameParams, trace, method, gasLimit, stackBase);
    trace.gasUsed = result.gasUsed;
    trace.status = result.status;
    trace.returnData = result.returnData;
    trace.error = result.error;
    return { ...result, trace };
  }

  #runFrameUntraced(
    frameParams: Omit<Frame, 'returnData' | 'result' | 'events' | 'logs' | 'trace'>,
    trace: TraceFrame | undefined,
    method: string,
    gasLimit: bigint,
    stackBase: number,
  ): CallResult {
    if (frameParams.depth > this.maxCallDepth) {
      return failure('trap', 'CALL_DEPTH', `call depth over ${this.maxCallDepth}`, gasLimit);
    }
    let frameCost = this.costs.callFrame;
    if (gasLimit < frameCost)
      return failure('out_of_gas', 'OUT_OF_GAS', 'gas limit below the cost of a call', gasLimit);
    if (frameParams.input.length > HOST_LIMITS.maxInputBytes) {
      return failure('revert', 'BAD_INPUT', `arguments are over ${HOST_LIMITS.maxInputBytes} bytes`, frameCost);
    }
    const state = this.state;
    const account = readAccount(state, frameParams.contract);
    const codeHash = account.codeHash;
    if (!codeHash) return failure('revert', 'NO_CONTRACT', `no contract at ${hex(frameParams.contract)}`, frameCost);
    let compiled: CompiledContract;
    compiled = this.cache.get(hex(codeHash), () => {
      const code = readCode(state, codeHash);
      if (!code) throw new VmError('INTERNAL', `code ${hex(codeHash)} of ${hex(frameParams.contract)} is missing`);
      return code;
    });
    if (!isMethod(compiled, method)) {
      return failure('revert', 'NO_METHOD', `the contract has no method "${method}"`, frameCost);
    }
    // Every call starts from the module's initial memory: an instance is restored from its image (or created),
    // work that grows with the initial pages. Charged before that work is done.
    frameCost += (this.costs.callFramePerPage ?? 0n) * BigInt(compiled.memoryPages);
    if (gasLimit < frameCost)
      return failure('out_of_gas', 'OUT_OF_GAS', 'gas limit below the cost of a call', gasLimit);

    state.checkpoint();
    if (frameParams.value > 0n) {
      if (frameParams.readOnly) {
        state.revert();
        return failure('trap', 'READ_ONLY', 'a value transfer in a read-only call', gasLimit);
      }
      if (!moveBalance(state, frameParams.caller, frameParams.contract, frameParams.value)) {
        state.revert();
        return failure(
          'revert',
          'INSUFFICIENT_BALANCE',
          `the caller cannot pay the value ${frameParams.value}`,
          frameCost,
        );
      }
    }

    // one literal with every field (a spread of the parameters took V8's slow clone path: a few µs a call)
    const frame: Frame = {
      contract: frameParams.contract,
      caller: frameParams.caller,
      signer: frameParams.signer,
      value: frameParams.value,
      input: frameParams.input,
      readOnly: frameParams.readOnly,
      depth: frameParams.depth,
      returnData: EMPTY,
      result: EMPTY,
      events: [],
      logs: [],
      trace,
    };
    const pooled = this.cache.checkout(compiled, this.#createImports);
    pooled.slot.frame = frame;
    pooled.slot.runtime = this;
    const wasmGas = gasLimit - frameCost;
    pooled.gas.value = wasmGas;
    pooled.stack.value = stackBase;
    pooled.trap.value = 0;
    let result: CallResult;
    try {
      (pooled.instance.exports[method] as () => void)();
      result = {
        status: 'ok',
        returnData: frame.returnData,
        gasUsed: frameCost + (wasmGas - (pooled.gas.value as bigint)),
        events: frame.events,
        logs: frame.logs,
      };
    } catch (error) {
      result = this.#classify(
        error,
        pooled.trap.value as number,
        frame,
        gasLimit,
        frameCost + (wasmGas - (pooled.gas.value as bigint)),
      );
    } finally {
      this.cache.release(compiled, pooled);
    }
    if (result.status === 'ok') state.commit();
    else state.revert();
    return result;
  }

  #classify(error: unknown, trapReason: number, frame: Frame, gasLimit: bigint, gasSoFar: bigint): CallResult {
    const logs = frame.logs;
    if (error instanceof HostTrap) {
      if (error.code === 'REVERT' || error.code === 'ABORT') {
        return {
          status: 'revert',
          returnData: error.data ?? new TextEncoder().encode(error.message),
          gasUsed: gasSoFar,
          events: [],
          logs,
          error: { code: error.code, message: error.message },
        };
      }
      const status = error.code === 'OUT_OF_GAS' ? 'out_of_gas' : 'trap';
      return {
        status,
        returnData: EMPTY,
        gasUsed: gasLimit,
        events: [],
        logs,
        error: { code: error.code, message: error.message },
      };
    }
    if (error instanceof WebAssembly.RuntimeError) {
      if (trapReason === 1) return withLogs(failure('out_of_gas', 'OUT_OF_GAS', 'out of gas', gasLimit), logs);
      if (trapReason === 2) {
        return withLogs(
          failure('trap', 'STACK_LIMIT', 'stack limit exceeded (deterministic call stack budget)', gasLimit),
          logs,
        );
      }
      return withLogs(failure('trap', 'TRAP', `wasm trap: ${trapWords(error.message)}`, gasLimit), logs);
    }
    const message = error instanceof Error ? error.message : String(error);
    const code: VmErrorCode = error instanceof RangeError ? 'STACK_LIMIT' : 'INTERNAL';
    return withLogs(failure('trap', code, message, gasLimit), logs);
  }
}

export function createVm(options: VmOptions): Vm {
  return new Vm(options);
}

function isMethod(compiled: CompiledContract, method: string): boolean {
  return method.length > 0 && !method.startsWith(RESERVED_PREFIX) && compiled.methods.has(method);
}

function failure(
  status: CallResult['status'],
  code: VmErrorCode | string,
  message: string,
  gasUsed: bigint,
): CallResult {
  return { status, returnData: EMPTY, gasUsed, events: [], logs: [], error: { code, message } };
}

function withLogs(result: CallResult, logs: VmLog[]): CallResult {
  return { ...result, logs };
}

function checkAddress(address: Uint8Array, what: string): void {
  if (!(address instanceof Uint8Array) || address.length !== ADDRESS_BYTES) {
    throw new VmError('BAD_INPUT', `${what} must be a ${ADDRESS_BYTES}-byte address`);
  }
}

function checkGas(gasLimit: bigint): void {
  if (typeof gasLimit !== 'bigint' || gasLimit < 0n || gasLimit >= 1n << 63n) {
    throw new VmError('BAD_INPUT', 'gasLimit must be a bigint between 0 and 2^63-1');
  }
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export type { VmEvent, VmLog };

/** The deploy terms counted by the analyzer (functions, blocks, locals), for a host table and a metering report. */
export function deployItemsCost(
  costs: HostCostTable,
  report: { readonly functions: number; readonly blocks: number; readonly locals: number },
): bigint {
  return (
    (costs.deployPerFunction ?? 0n) * BigInt(report.functions) +
    (costs.deployPerBlock ?? 0n) * BigInt(report.blocks) +
    (costs.deployPerLocal ?? 0n) * BigInt(report.locals)
  );
}
