/**
 * `instrument(wasm)`: the whole metering pipeline, from untrusted bytes to a contract that charges gas, keeps
 * to a deterministic stack budget and a capped memory. Pure: the same bytes, options and schedule version give
 * byte-identical output in every run and process; `codeHash` is sha256 over the instrumented code.
 * Stages and semantics: metering/SPEC.md.
 * @module
 */
import { hash } from 'node:crypto';
import { ByteReader } from './_bytes.js';
import { type AnalyzeContext, analyzeFunction, type FunctionPlan } from './analyzeFunction.js';
import {
  applyPlan,
  GAS_GLOBAL_EXPORT,
  KEPT_CUSTOM_PREFIX,
  type PlannedFunction,
  RESET_FUNCTION_EXPORT,
  STACK_GLOBAL_EXPORT,
  TRAP_GLOBAL_EXPORT,
} from './applyPlan.js';
import { type DecodedModule, decodeModule, type Export, type FuncType, SECTION } from './decodeModule.js';
import { MeteringError } from './errors.js';
import { gateModule } from './gateModule.js';
import { DEFAULT_LIMITS, LIMITS_BY_VERSION, LIMITS_VERSION, type MeteringLimits } from './limits.js';
import { findVersionedLoops, type VersionedLoop } from './loopVersioning.js';
import { type CostSchedule, CURRENT_SCHEDULE, scheduleForMemory, toolingSchedule } from './schedule.js';

export type InstrumentOptions = {
  /** Cost schedule; defaults to the current one. */
  readonly schedule?: CostSchedule;
  /** Overrides of the structural limits. */
  readonly limits?: Partial<MeteringLimits>;
  /**
   * Tooling mode: relaxes the gate for tools such as the spec-test runner (any imports, a start function, no
   * memory, floats, reference types and table instructions, priced as arithmetic). Never for contracts.
   */
  readonly tooling?: boolean;
  /** Initial value of the gas global; meaningful in tooling mode, where no host sets it. Default 0. */
  readonly initialGas?: bigint;
  /**
   * Give counted loops a fast copy (SPEC.md, Counted loops). Default true; false only to compare against the code
   * without it (tests, benchmarks): gas and outcomes are the same either way.
   */
  readonly loopVersioning?: boolean;
};

export type InstrumentReport = {
  /** Functions instrumented (defined functions; imports are not rewritten). */
  readonly functions: number;
  readonly importedFunctions: number;
  /** Segment charges injected (segments of cost 0 need none). */
  readonly charges: number;
  readonly callSites: number;
  readonly exits: number;
  /** memory.grow and bulk-memory sites with a dynamic charge. */
  readonly dynamicSites: number;
  /** Counted loops given a fast copy (SPEC.md, Counted loops). */
  readonly versionedLoops: number;
  readonly maxFrameCost: number;
  /** `block`, `loop` and `if` instructions in all defined functions (the VM prices deploys per item). */
  readonly blocks: number;
  /** Locals declared by all defined functions, parameters excluded (the VM prices deploys per local). */
  readonly locals: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Custom sections dropped (all but `gasket:*`). */
  readonly droppedCustomSections: readonly string[];
};

export type InstrumentedContract = {
  readonly code: Uint8Array;
  /** sha256 of `code`. */
  readonly codeHash: Uint8Array;
  readonly scheduleVersion: number;
  /** The version of the limits applied (DEFAULT_LIMITS: LIMITS_VERSION); undefined when limits were overridden. */
  readonly limitsVersion: number | undefined;
  /** The module's own exports, in export-section order (the metering globals are not listed). */
  readonly exports: readonly Export[];
  readonly report: InstrumentReport;
};

export type InstrumentErrorType = MeteringError;

/** The names of the globals instrumented code exports for the host. */
export const METERING_EXPORTS = Object.freeze({
  gas: GAS_GLOBAL_EXPORT,
  stack: STACK_GLOBAL_EXPORT,
  trap: TRAP_GLOBAL_EXPORT,
  reset: RESET_FUNCTION_EXPORT,
});

const MAX_GAS = (1n << 63n) - 1n;

/** The published version `limits` equal field by field, if any. */
function limitsVersionOf(limits: MeteringLimits): number | undefined {
  for (const [version, published] of PUBLISHED_LIMITS) {
    if (LIMIT_FIELDS.every((field) => published[field] === limits[field])) return version;
  }
  return undefined;
}
// published limits are frozen: their fields and versions are listed once
const LIMIT_FIELDS = Object.keys(LIMITS_BY_VERSION[LIMITS_VERSION]!) as (keyof MeteringLimits)[];
const PUBLISHED_LIMITS = Object.entries(LIMITS_BY_VERSION).map(
  ([version, published]) => [Number(version), published] as const,
);

export function instrument(wasm: Uint8Array, options: InstrumentOptions = {}): InstrumentedContract {
  const tooling = options.tooling ?? false;
  const limits: MeteringLimits = Object.freeze({ ...DEFAULT_LIMITS, ...options.limits });
  const baseSchedule = options.schedule ?? CURRENT_SCHEDULE;
  const schedule = tooling ? toolingSchedule(baseSchedule) : baseSchedule;
  const initialGas = options.initialGas ?? 0n;
  if (initialGas < 0n || initialGas > MAX_GAS) {
    throw new RangeError(`initialGas must be between 0 and 2^63-1, got ${initialGas}`);
  }

  if (!(wasm instanceof Uint8Array)) throw new MeteringError('MALFORMED', 'contract code must be a Uint8Array');
  if (wasm.length > limits.maxModuleBytes) {
    throw new MeteringError(
      'LIMIT',
      `module is ${wasm.length} bytes, over the limit of ${limits.maxModuleBytes} (maxModuleBytes)`,
      { operation: 'module size' },
    );
  }
  // V8 validates before anything of ours parses the bytes: nothing invalid reaches the rewriter.
  if (!validate(wasm)) {
    throw new MeteringError('MALFORMED', `not a valid WebAssembly module: ${describeInvalid(wasm)}`);
  }

  const module = decodeModule(wasm);
  const functionNames = exportedFunctionNames(module);
  gateModule(module, limits, tooling, functionNames);

  const ctx: AnalyzeContext = {
    module,
    schedule: scheduleForMemory(schedule, reachableMemoryPages(module, limits)),
    limits,
    tooling,
    functionNames,
    signatures: functionSignatures(module),
  };
  const checkedExits = new Set(module.exports.filter((exp) => exp.kind === 'func').map((exp) => exp.index));
  if (module.start !== undefined) checkedExits.add(module.start);
  // Each function is analyzed just before its body is written, so that its plan dies young: kept for the whole
  // module, the plans outlived the young generation and V8 took to allocating them in the old space (about 15%
  // of `instrument` on real contracts).
  const tally = newTally();
  const planFunction = (definedIndex: number): PlannedFunction => {
    const plan = analyzeFunction(ctx, definedIndex);
    const versionedLoops = options.loopVersioning === false ? NO_LOOPS : findVersionedLoops(module.bytes, plan);
    addToTally(tally, plan, versionedLoops.length);
    return { plan, versionedLoops };
  };
  const code = applyPlan(module, planFunction, {
    limits,
    initialGas,
    capMemory: limits.maxMemoryPages < 65_536,
    checkedExits,
    internal: internalFunctions(module, checkedExits),
    counts: tally,
  });
  // The output is not validated again: it is valid by construction (insertions only, each balanced on the operand
  // stack, types and locals appended), and the tests compile the output of every module they instrument (random
  // modules, binaryen fuzz modules, the spec suite, metering/outputValid.test.ts). A second V8 validation cost
  // about 7% of `instrument` on real contracts.

  return {
    code,
    // crypto.hash: one call, without the stream object createHash makes (measurable on small modules)
    codeHash: new Uint8Array(hash('sha256', code, 'buffer')),
    scheduleVersion: baseSchedule.version,
    limitsVersion: limitsVersionOf(limits),
    exports: module.exports,
    report: {
      functions: module.codeBodies.length,
      importedFunctions: module.importedFunctions,
      ...tally,
      bytesBefore: wasm.length,
      bytesAfter: code.length,
      droppedCustomSections: module.customSections
        .filter((custom) => !custom.name.startsWith(KEPT_CUSTOM_PREFIX))
        .map((custom) => custom.name),
    },
  };
}

/**
 * The most pages any memory of the module can reach: its declared maximum (none: 65,536), capped by
 * `maxMemoryPages` as the output clamps it. Loads are priced by it (schedule 4).
 */
function reachableMemoryPages(module: DecodedModule, limits: MeteringLimits): number {
  let pages = 0;
  const imported = module.imports.filter((imp) => imp.kind === 'memory').map((imp) => imp.limits!);
  for (const memory of [...imported, ...module.memories]) {
    pages = Math.max(pages, Math.min(memory.max ?? 65_536, limits.maxMemoryPages));
  }
  return pages;
}

function validate(bytes: Uint8Array): boolean {
  try {
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** V8's own reason, for the error message (compiling is only attempted on bytes that failed validation). */
function describeInvalid(bytes: Uint8Array): string {
  try {
    new WebAssembly.Module(bytes);
    return 'rejected by the validator';
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^WebAssembly\.Module\(\): /, '') : String(error);
  }
}

function exportedFunctionNames(module: DecodedModule): Map<number, string> {
  const names = new Map<number, string>();
  for (const exp of module.exports) if (exp.kind === 'func' && !names.has(exp.index)) names.set(exp.index, exp.name);
  return names;
}

function functionSignatures(module: DecodedModule): FuncType[] {
  const signatures: FuncType[] = [];
  const none: FuncType = { params: [], results: [] };
  for (const imp of module.imports) if (imp.kind === 'func') signatures.push(module.types[imp.typeIndex!] ?? none);
  for (const typeIndex of module.functionTypes) signatures.push(module.types[typeIndex] ?? none);
  return signatures;
}

/**
 * Defined functions only ever reached by a direct `call`: not exported, not the start function, not in an element
 * segment, not named by `ref.func` anywhere. They take the gas counter as a parameter (SPEC.md, Internal functions).
 * A `ref.func` in a function body needs no look: validation admits it only for a function the module names outside
 * its functions (an export, an element segment, a global's initializer; the spec's C.refs), all scanned here.
 * Returned as flags by function index (1: internal), what the writer looks up at every call site.
 */
function internalFunctions(module: DecodedModule, hostCalled: ReadonlySet<number>): Uint8Array {
  const total = module.importedFunctions + module.codeBodies.length;
  const none = new Uint8Array(total);
  const escaping = new Set<number>(hostCalled);
  for (const global of module.globals) {
    if (!scanConstExpr(new ByteReader(module.bytes, global.initStart, global.initEnd), escaping, false)) return none;
  }
  const elements = module.sections.find((section) => section.id === SECTION.element);
  try {
    if (elements && !scanElements(module.bytes, elements.payloadStart, elements.end, escaping)) return none;
  } catch {
    return none; // not expected after validation; every function then keeps the global convention
  }
  const internal = new Uint8Array(total).fill(1, module.importedFunctions);
  for (const index of escaping) if (index >= module.importedFunctions && index < total) internal[index] = 0;
  return internal;
}

type Tally = {
  charges: number;
  callSites: number;
  exits: number;
  dynamicSites: number;
  versionedLoops: number;
  maxFrameCost: number;
  blocks: number;
  locals: number;
};

const NO_LOOPS: readonly VersionedLoop[] = Object.freeze([]);

function newTally(): Tally {
  return {
    charges: 0,
    callSites: 0,
    exits: 0,
    dynamicSites: 0,
    versionedLoops: 0,
    maxFrameCost: 0,
    blocks: 0,
    locals: 0,
  };
}

/**
 * Adds one function's plan to the report's counts. The insertions (charges, call sites, exits, dynamic sites) are
 * counted by applyPlan as it writes them: a second walk over every insertion here cost about 2% of `instrument`.
 */
function addToTally(tally: Tally, plan: FunctionPlan, versionedLoops: number): void {
  tally.blocks += plan.blocks;
  tally.locals += plan.declaredLocals;
  tally.versionedLoops += versionedLoops;
  if (plan.frameCost > tally.maxFrameCost) tally.maxFrameCost = plan.frameCost;
  tally.exits += 1;
}

/** Adds every function an element segment names; false if the section holds something not understood. */
function scanElements(bytes: Uint8Array, start: number, end: number, out: Set<number>): boolean {
  const r = new ByteReader(bytes, start, end);
  for (let n = r.u32(), i = 0; i < n; i++) {
    const flags = r.u32();
    if (flags > 7) return false;
    if (flags === 2 || flags === 6) r.u32(); // table index
    if ((flags & 1) === 0 && !scanConstExpr(r, out, true)) return false; // active: offset expression
    if (flags & 4) {
      if (flags & 3) r.byte(); // reftype
      for (let m = r.u32(), j = 0; j < m; j++) if (!scanConstExpr(r, out, true)) return false;
    } else {
      if (flags & 3) r.byte(); // elemkind
      for (let m = r.u32(), j = 0; j < m; j++) out.add(r.u32());
    }
  }
  return true;
}

/** Reads a constant expression (through its `end` if `withEnd`), adding `ref.func` targets; false if unknown. */
function scanConstExpr(r: ByteReader, out: Set<number>, withEnd: boolean): boolean {
  while (!r.done) {
    const opcode = r.byte();
    switch (opcode) {
      case 0x0b:
        return withEnd;
      case 0x41:
      case 0x42:
        r.skipLeb();
        break;
      case 0x43:
        r.skip(4);
        break;
      case 0x44:
        r.skip(8);
        break;
      case 0x23:
        r.u32();
        break;
      case 0xd0:
        r.byte();
        break;
      case 0xd2:
        out.add(r.u32());
        break;
      case 0x6a:
      case 0x6b:
      case 0x6c:
      case 0x7c:
      case 0x7d:
      case 0x7e:
        break;
      default:
        return false;
    }
  }
  return !withEnd;
}
