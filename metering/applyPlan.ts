/**
 * Writes the instrumented module: every function body gets the gas local, the stack-limit prologue, a wrapper
 * block whose end runs the epilogue, and the insertions of its `FunctionPlan`; the memory maximum is clamped; the
 * gas, stack and trap globals are appended and exported. Internal functions (only called directly) take the
 * counter and the stack height as extra i64 and i32 parameters and return the counter as an extra i64 result.
 * Otherwise only insertions: every original
 * instruction stays byte for byte, and the only renumbering is of an internal function's declared locals (two
 * higher, after the extra parameters); new locals, globals and types go after the existing ones.
 * Code shapes: metering/SPEC.md.
 * @module
 */
import { ByteReader, ByteWriter } from './_bytes.js';
import { effectiveCost, type FunctionPlan, type Insertion } from './analyzeFunction.js';
import { type DecodedModule, type FuncType, SECTION, type Section } from './decodeModule.js';
import type { MeteringLimits } from './limits.js';
import { type VersionedLoop, type VersionLocals, writeDispatch, writeSettle } from './loopVersioning.js';

/** Why the instrumented code trapped, as left in the `__gasket_trap` global. */
export const TRAP_REASON = Object.freeze({ none: 0, outOfGas: 1, stackLimit: 2 });

export const GAS_GLOBAL_EXPORT = '__gasket_gas';
export const STACK_GLOBAL_EXPORT = '__gasket_stack';
export const TRAP_GLOBAL_EXPORT = '__gasket_trap';
/**
 * A function `() -> ()` that sets every mutable global of the contract back to its initial value, so the host can
 * reuse an instance for a new call exactly as if it were fresh (memory it restores itself). Not metered: only the
 * host calls it, between calls.
 */
export const RESET_FUNCTION_EXPORT = '__gasket_reset';
/** Custom sections that survive instrumentation (contract metadata such as `gasket:interface`). */
export const KEPT_CUSTOM_PREFIX = 'gasket:';

export type ApplyOptions = {
  readonly limits: MeteringLimits;
  /** Initial value of the gas global (tooling mode; contracts get theirs from the host before each call). */
  readonly initialGas: bigint;
  /** Clamp the defined memory's maximum to limits.maxMemoryPages. */
  readonly capMemory: boolean;
  /** Functions whose exits check the gas counter: those the host can call (exports, start). */
  readonly checkedExits: ReadonlySet<number>;
  /**
   * Internal functions (only ever called directly), as flags over the function index space (1: internal; imports
   * never are):
   * they take the gas counter and the caller's stack height as extra last i64 and i32 parameters instead of reading
   * the globals at entry, and return the counter as an extra last i64 result instead of storing it at exit (SPEC.md,
   * Internal functions).
   */
  readonly internal: Uint8Array;
  /** Where the insertions written are counted, for the report (added to). */
  readonly counts: WriteCounts;
};

/**
 * Insertions written, as the report counts them: charges of a nonzero amount (refunds included, the else arms
 * added for them not), live call sites (a `beforeCall` outside unreachable code), live `return` exits, dynamic
 * charges. A versioned loop's fast copy is not counted again.
 */
export type WriteCounts = { charges: number; callSites: number; exits: number; dynamicSites: number };

const OP = Object.freeze({
  unreachable: 0x00,
  block: 0x02,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  i32Const: 0x41,
  i64Const: 0x42,
  i32GtU: 0x4b,
  i64LtS: 0x53,
  i64GeS: 0x59,
  brIf: 0x0d,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64ExtendI32U: 0xad,
  memorySize: 0x3f,
  emptyBlockType: 0x40,
  i32: 0x7f,
  i64: 0x7e,
});

const EMPTY_BLOCK_TYPE: number[] = [OP.emptyBlockType];
/** `[t]` for every one-byte value type: a wrapper block of one result allocates nothing. */
const SINGLE_BLOCK_TYPES: readonly number[][] = Array.from({ length: 0x80 }, (_, t) => [t]);

/** Canonical order of known sections (custom sections may stand anywhere). */
const SECTION_RANK: Readonly<Record<number, number>> = Object.freeze({
  [SECTION.type]: 1,
  [SECTION.import]: 2,
  [SECTION.function]: 3,
  [SECTION.table]: 4,
  [SECTION.memory]: 5,
  [SECTION.tag]: 6,
  [SECTION.global]: 7,
  [SECTION.export]: 8,
  [SECTION.start]: 9,
  [SECTION.element]: 10,
  [SECTION.dataCount]: 11,
  [SECTION.code]: 12,
  [SECTION.data]: 13,
});

/** One function's plan and its versioned loops, made when its body is about to be written. */
export type PlannedFunction = {
  readonly plan: FunctionPlan;
  /** Counted loops that get a fast copy (SPEC.md, Counted loops; metering/loopVersioning.ts). */
  readonly versionedLoops: readonly VersionedLoop[];
};

/**
 * Writes the instrumented module. `planFunction(i)` analyzes defined function i; it is called once per function,
 * in order, just before that function's body is written (its plan is garbage right after).
 */
export function applyPlan(
  module: DecodedModule,
  planFunction: (definedIndex: number) => PlannedFunction,
  options: ApplyOptions,
): Uint8Array {
  const bytes = module.bytes;
  const globalBase = module.importedGlobals + module.globals.length;
  const globals = { gas: globalBase, stack: globalBase + 1, trap: globalBase + 2 };

  // Wrapper blocks of functions with several results need a type index [] -> results.
  const types = new TypeTable(module);
  const extraTypes = types.extra;
  const blockTypeOf = (type: FuncType): number[] => {
    if (type.results.length === 0) return EMPTY_BLOCK_TYPE;
    if (type.results.length === 1) return SINGLE_BLOCK_TYPES[type.results[0]!] ?? [type.results[0]!];
    return signedLeb(types.indexOf({ params: [], results: type.results }));
  };

  const internalFlags = options.internal;
  const anyInternal = internalFlags.includes(1);
  const code = borrowWriter(CODE_WRITER, bytes.length + bytes.length / 2);
  const functions = module.codeBodies.length;
  code.u32(functions + 1);
  const bodies = new BodyWriter(code, bytes, globals, options.limits.maxStackUnits, internalFlags, options.counts);
  for (let definedIndex = 0; definedIndex < functions; definedIndex++) {
    const { plan, versionedLoops } = planFunction(definedIndex);
    // The body's size, guessed for its LEB128's length: the original's and a little more per insertion (a body
    // whose length prefix is guessed right is not moved once written).
    const expectedSize = plan.end - plan.localsStart + 16 + plan.insertions.length * 6;
    const bodyStart = code.beginSized(expectedSize);
    bodies.write(plan, blockTypeOf(plan.type), options.checkedExits.has(plan.functionIndex), versionedLoops);
    code.endSized(bodyStart, expectedSize);
  }
  const resetStart = code.beginSized();
  writeResetBody(code, module);
  code.endSized(resetStart);
  const resetFunction = module.importedFunctions + module.functionTypes.length;
  // Internal functions get a type with the counter and the stack height appended to their params.
  const definedTypes = module.functionTypes.map((typeIndex, definedIndex) =>
    internalFlags[module.importedFunctions + definedIndex] === 1 ? types.internalType(typeIndex) : typeIndex,
  );
  const voidType = types.indexOf({ params: [], results: [] });
  const writeFunctionSection = (w: ByteWriter, section: Section | undefined) => {
    if (!anyInternal) {
      writeVectorHead(w, section, bytes, 1);
      w.u32(voidType);
      return;
    }
    w.u32(definedTypes.length + 1);
    for (const typeIndex of definedTypes) w.u32(typeIndex);
    w.u32(voidType);
  };

  // Every section is written straight into one output writer behind a sized prefix (no payload buffer per section).
  const out = borrowWriter(OUT_WRITER, bytes.length * 2 + 64);
  out.range(bytes, 0, 8);
  const emitted = new Set<number>();
  const emit = (
    id: number,
    section: Section | undefined,
    write: (w: ByteWriter, section: Section | undefined) => void,
  ) => {
    out.byte(id);
    const start = out.beginSized();
    write(out, section);
    out.endSized(start);
    emitted.add(id);
  };
  const emitPayload = (section: Section) => {
    out
      .byte(section.id)
      .u32(section.end - section.payloadStart)
      .range(bytes, section.payloadStart, section.end);
    emitted.add(section.id);
  };
  const writeTypeSection = (w: ByteWriter, section: Section | undefined) => writeTypes(w, section, bytes, extraTypes);
  const writeGlobalSection = (w: ByteWriter, section: Section | undefined) =>
    writeGlobals(w, section, bytes, options.initialGas);
  const writeExportSection = (w: ByteWriter, section: Section | undefined) =>
    writeExports(w, section, bytes, globals, resetFunction);
  const emitCode = () => {
    out.byte(SECTION.code).u32(code.length).range(code.view(), 0, code.length);
    emitted.add(SECTION.code);
  };
  // Sections the output needs even when the input has none, in canonical order.
  const emitNewSectionsBefore = (rank: number) => {
    if (rank > SECTION_RANK[SECTION.type]! && !emitted.has(SECTION.type))
      emit(SECTION.type, undefined, writeTypeSection);
    if (rank > SECTION_RANK[SECTION.function]! && !emitted.has(SECTION.function)) {
      emit(SECTION.function, undefined, writeFunctionSection);
    }
    if (rank > SECTION_RANK[SECTION.global]! && !emitted.has(SECTION.global)) {
      emit(SECTION.global, undefined, writeGlobalSection);
    }
    if (rank > SECTION_RANK[SECTION.export]! && !emitted.has(SECTION.export)) {
      emit(SECTION.export, undefined, writeExportSection);
    }
    if (rank > SECTION_RANK[SECTION.code]! && !emitted.has(SECTION.code)) emitCode();
  };
  // Custom sections other than ours are dropped: V8 ignores them, and tools may trip over malformed ones.
  const keptCustom = new Set(
    module.customSections
      .filter((custom) => custom.name.startsWith(KEPT_CUSTOM_PREFIX))
      .map((custom) => custom.section.start),
  );
  for (const section of module.sections) {
    const rank = SECTION_RANK[section.id];
    if (section.id === SECTION.custom) {
      if (keptCustom.has(section.start)) out.range(bytes, section.start, section.end);
      continue;
    }
    if (rank !== undefined) emitNewSectionsBefore(rank);
    switch (section.id) {
      case SECTION.type:
        if (extraTypes.length > 0) emit(SECTION.type, section, writeTypeSection);
        else emitPayload(section);
        break;
      case SECTION.memory:
        if (options.capMemory) {
          emit(SECTION.memory, section, (w) => writeCappedMemories(w, section, bytes, options.limits.maxMemoryPages));
        } else emitPayload(section);
        break;
      case SECTION.global:
        emit(SECTION.global, section, writeGlobalSection);
        break;
      case SECTION.export:
        emit(SECTION.export, section, writeExportSection);
        break;
      case SECTION.function:
        emit(SECTION.function, section, writeFunctionSection);
        break;
      case SECTION.code:
        emitCode();
        break;
      default:
        emitPayload(section);
    }
  }
  emitNewSectionsBefore(Number.POSITIVE_INFINITY);
  const result = out.finish();
  returnWriter(CODE_WRITER, code);
  returnWriter(OUT_WRITER, out);
  return result;
}

/**
 * The two large writers (function bodies, whole module), kept between calls: made new on each call, their buffers
 * (an ArrayBuffer each, zero-filled, and a dozen smaller ones for the section payloads) cost about a third of
 * applyPlan's module-level time on small contracts. Borrowed and returned, so a call that throws midway or a
 * nested call simply makes new ones; buffers past MAX_KEPT_WRITER_BYTES are not kept, so one huge module does not
 * pin its memory.
 */
const CODE_WRITER = 0;
const OUT_WRITER = 1;
const MAX_KEPT_WRITER_BYTES = 4 << 20;
const keptWriters: (ByteWriter | undefined)[] = [undefined, undefined];

function borrowWriter(slot: number, capacity: number): ByteWriter {
  const kept = keptWriters[slot];
  if (!kept) return new ByteWriter(capacity);
  keptWriters[slot] = undefined;
  kept.reset(capacity);
  return kept;
}

function returnWriter(slot: number, writer: ByteWriter): void {
  if (writer.capacity <= MAX_KEPT_WRITER_BYTES) keptWriters[slot] = writer;
}

const NO_VERSIONED_LOOPS: ReadonlyMap<number, VersionedLoop> = new Map();
const NO_REFS: readonly number[] = [];
const NO_INSERTIONS: readonly Insertion[] = [];

/**
 * Writes function bodies: one per module, its per-function state in fields reset by `write`. (A function that
 * made its helpers as closures over that state allocated them all for every body, and kept the mutable state, the
 * cursor and the next local ref, in a context object the closures shared.)
 *
 * The counter lives in a local (a global decrement in a hot loop costs 1.9x, a local 1.02x) and moves to the global
 * around calls and at exits. (Charging the global directly in loop-free functions was measured slower on call-bound
 * code: 1.86x against 1.70x on recursive fib.) An internal function gets the counter and the caller's stack height
 * as its extra last parameters (declared locals shift by two); other functions keep the counter in an extra local
 * after the declared ones, and read the stack height from the global.
 */
class BodyWriter {
  // per function, set by `write`
  private threaded = false;
  private params = 0;
  private gasLocal = 0;
  /**
   * This frame's stack height (units in use with this frame): an internal function's stack parameter, raised in
   * place at entry; otherwise a local.
   */
  private heightLocal = 0;
  private tmpLocal = 0;
  private frameCost = 0;
  private calls = false;
  private checkExits = false;
  private versioned: ReadonlyMap<number, VersionedLoop> = NO_VERSIONED_LOOPS;
  private insertions: readonly Insertion[] = NO_INSERTIONS;
  private localRefs: readonly number[] = NO_REFS;
  private nextRef = 0;
  /** The next original byte not yet copied. */
  private cursor = 0;

  constructor(
    private readonly w: ByteWriter,
    private readonly bytes: Uint8Array,
    private readonly globals: { gas: number; stack: number; trap: number },
    private readonly maxStackUnits: number,
    /** By function index: 1 for an internal function. */
    private readonly internal: Uint8Array,
    private readonly counts: WriteCounts,
  ) {}

  write(
    plan: FunctionPlan,
    wrapperBlockType: readonly number[],
    checkExits: boolean,
    versionedLoops: readonly VersionedLoop[],
  ): void {
    const { w, bytes, globals } = this;
    const threaded = this.internal[plan.functionIndex] === 1;
    const params = plan.type.params.length;
    const gasLocal = threaded ? params : params + plan.declaredLocals;
    const heightLocal = threaded ? params + 1 : gasLocal + 1;
    this.threaded = threaded;
    this.params = params;
    this.gasLocal = gasLocal;
    this.heightLocal = heightLocal;
    this.tmpLocal = threaded ? params + 2 + plan.declaredLocals : heightLocal + 1;
    this.frameCost = plan.frameCost;
    this.calls = plan.calls;
    this.checkExits = checkExits;
    this.insertions = plan.insertions;
    this.localRefs = plan.localRefs;
    this.nextRef = 0;
    this.cursor = plan.codeStart;
    // built only for a function with versioned loops (most have none: no Map for them)
    const versioned =
      versionedLoops.length > 0 ? new Map(versionedLoops.map((loop) => [loop.at, loop])) : NO_VERSIONED_LOOPS;
    this.versioned = versioned;

    // Locals: the original groups, then one i64 (gas) and one i32 (height) unless they are parameters, and one i32
    // (scratch); two i64 (scratch) if a loop is versioned.
    let groups = bytes[plan.localsStart]!;
    let groupsEnd = plan.localsStart + 1;
    if (groups >= 0x80) {
      const locals = new ByteReader(bytes, plan.localsStart, plan.codeStart);
      groups = locals.u32();
      groupsEnd = locals.pos;
    }
    w.u32(groups + (threaded ? 1 : 3) + (versioned.size > 0 ? 1 : 0)).range(bytes, groupsEnd, plan.codeStart);
    if (!threaded) w.u32(1).byte(OP.i64).u32(1).byte(OP.i32);
    w.u32(1).byte(OP.i32);
    if (versioned.size > 0) w.u32(2).byte(OP.i64);

    // Prologue: load the gas counter (an internal function has it as a parameter), add this frame's stack units to
    // the height it was called at, trap past the budget. The global is not written here: it must hold the current
    // height only where something reads it (a callee that is not internal, the host), so it is set before such
    // calls.
    if (threaded) w.byte(OP.localGet).u32(heightLocal);
    else {
      this.loadCounter();
      w.byte(OP.globalGet).u32(globals.stack);
    }
    w.byte(OP.i32Const).s32(plan.frameCost).byte(OP.i32Add).byte(OP.localTee).u32(heightLocal);
    w.byte(OP.i32Const).s32(this.maxStackUnits).byte(OP.i32GtU);
    writeTrapIf(w, globals.trap, TRAP_REASON.stackLimit);
    if (plan.calls) {
      // A function that calls others checks at entry: otherwise a tree of calls without loops (recursive fib, or a
      // chain of functions each calling the next twice) could run exponentially long on an overdrawn counter,
      // since frames that return never check (SPEC.md "When out of gas is detected").
      this.writeOutOfGasCheck();
    }

    w.byte(OP.block);
    for (const b of wrapperBlockType) w.byte(b);
    this.writeRange(0, Number.POSITIVE_INFINITY, undefined);
    // The original body, its final `end` now closing the wrapper block; then the epilogue and the real end.
    this.copy(this.cursor, plan.end);
    this.epilogue();
    w.byte(OP.end);
    this.insertions = NO_INSERTIONS;
    this.localRefs = NO_REFS;
    this.versioned = NO_VERSIONED_LOOPS;
  }

  /**
   * Original instructions, copied byte for byte; in an internal function the immediates of local.get/set/tee
   * naming a declared local are re-encoded two higher (the counter and height parameters come before them).
   */
  private copy(from: number, to: number): void {
    const { w, bytes } = this;
    if (!this.threaded) {
      w.range(bytes, from, to);
      return;
    }
    const localRefs = this.localRefs;
    let nextRef = this.nextRef;
    while (nextRef < localRefs.length && localRefs[nextRef]! < to) {
      // The refs whose shifted index keeps the one-byte form (nearly all) are copied through with the code around
      // them and patched in place: one copy for the run instead of one per ref.
      const runFrom = from;
      const outFrom = w.length;
      let runEnd = nextRef;
      while (
        runEnd < localRefs.length &&
        localRefs[runEnd]! < to &&
        localRefs[runEnd + 1]! - localRefs[runEnd]! === 1 &&
        localRefs[runEnd + 2]! + 2 < 0x80
      )
        runEnd += 3;
      const copyTo = runEnd < localRefs.length && localRefs[runEnd]! < to ? localRefs[runEnd]! : to;
      w.range(bytes, runFrom, copyTo);
      for (; nextRef < runEnd; nextRef += 3)
        w.setByte(outFrom + localRefs[nextRef]! - runFrom, localRefs[nextRef + 2]! + 2);
      from = copyTo;
      if (copyTo === to) {
        this.nextRef = nextRef;
        return;
      }
      w.u32(localRefs[nextRef + 2]! + 2);
      from = localRefs[nextRef + 1]!;
      nextRef += 3;
    }
    this.nextRef = nextRef;
    w.range(bytes, from, to);
  }

  /** Writes insertions `from`.. up to offset `to` with the code between; `fast`: a versioned loop's fast copy. */
  private writeRange(from: number, to: number, fast: VersionedLoop | undefined): number {
    const insertions = this.insertions;
    let k = from;
    for (; k < insertions.length && insertions[k]!.at < to; k++) {
      const insertion = insertions[k]!;
      if (insertion.at > this.cursor) {
        this.copy(this.cursor, insertion.at);
        this.cursor = insertion.at;
      }
      if (fast && (insertion === fast.headCharge || insertion.kind === 'backEdge')) continue; // paid at the exit
      const loop = insertion.kind === 'loopEntry' ? this.versioned.get(insertion.at) : undefined;
      this.writeInsertion(insertion, fast === undefined);
      if (!loop) continue;
      // a counted loop: its fast copy without per-iteration charge or check if the counter covers every iteration
      // it can run, else the original (SPEC.md, Counted loops)
      const w = this.w;
      const loopLocals = this.versionLocals();
      writeDispatch(w, loop, loopLocals);
      w.byte(OP.if).byte(OP.emptyBlockType);
      const refs = this.nextRef;
      this.writeRange(k + 1, loop.end, loop);
      this.copy(this.cursor, loop.end);
      writeSettle(w, loop, loopLocals);
      w.byte(OP.else);
      this.cursor = loop.at;
      this.nextRef = refs;
      k = this.writeRange(k + 1, loop.end, undefined) - 1;
      this.copy(this.cursor, loop.end);
      this.cursor = loop.end;
      w.byte(OP.end);
    }
    return k;
  }

  private versionLocals(): VersionLocals {
    const { threaded, params } = this;
    return {
      gas: this.gasLocal,
      start: this.tmpLocal + 1,
      trips: this.tmpLocal + 2,
      local: (index: number) => (threaded && index >= params ? index + 2 : index),
    };
  }

  /** Writes one insertion; `counted`: add it to the report's counts (not in a versioned loop's fast copy). */
  private writeInsertion(insertion: Insertion, counted: boolean): void {
    const { w, globals } = this;
    switch (insertion.kind) {
      case 'charge': {
        if (insertion.check && !insertion.loop?.backEdges) {
          // a loop head: trap if earlier segments already overdrew, then charge this one (SPEC.md)
          this.writeOutOfGasCheck();
        }
        const cost = effectiveCost(insertion);
        this.writeAdjust(cost);
        if (counted && cost !== 0) this.counts.charges++;
        break;
      }
      case 'loopEntry':
        // the loop's first iteration is checked before the loop, the others at their `br` (SPEC.md); a loop that no
        // branch targets never iterates and needs no check
        if (insertion.loop.backEdges && insertion.loop.targeted) this.writeOutOfGasCheck();
        break;
      case 'backEdge':
        // `br L` becomes `br_if L (gas >= 0)`, then the trap; the original `br` follows, unreachable
        if (insertion.loop.backEdges) {
          w.byte(OP.localGet).u32(this.gasLocal);
          w.byte(OP.i64Const).byte(0).byte(OP.i64GeS).byte(OP.brIf).u32(insertion.depth);
          w.byte(OP.i32Const).s32(TRAP_REASON.outOfGas).byte(OP.globalSet).u32(globals.trap).byte(OP.unreachable);
        }
        break;
      case 'elseRefund':
        w.byte(OP.else);
        this.writeAdjust(effectiveCost(insertion.charge));
        break;
      case 'beforeCall':
        if (counted && insertion.live) this.counts.callSites++;
        if (insertion.callee !== undefined && this.internal[insertion.callee] === 1) {
          // an internal callee takes the counter and this frame's height as its last arguments (also in
          // unreachable code, for validation)
          w.byte(OP.localGet).u32(this.gasLocal).byte(OP.localGet).u32(this.heightLocal);
        } else if (insertion.live) {
          // the host and other callees read both from the globals
          this.storeCounter();
          w.byte(OP.localGet).u32(this.heightLocal).byte(OP.globalSet).u32(globals.stack);
        }
        break;
      case 'afterCall':
        // an internal callee returns the counter as its extra last result (popped also in unreachable code, for
        // validation); every other callee leaves it in the global
        if (insertion.callee !== undefined && this.internal[insertion.callee] === 1) {
          w.byte(OP.localSet).u32(this.gasLocal);
        } else if (insertion.live) this.loadCounter();
        break;
      case 'dynamic':
        if (counted) this.counts.dynamicSites++;
        w.byte(OP.localTee).u32(this.tmpLocal);
        w.byte(OP.localGet).u32(this.gasLocal);
        w.byte(OP.localGet).u32(this.tmpLocal).byte(OP.i64ExtendI32U);
        if (insertion.rate !== 1) w.byte(OP.i64Const).sleb(insertion.rate).byte(OP.i64Mul);
        w.byte(OP.i64Sub);
        if (insertion.perCurrentPage) {
          // memory.grow, schedule 3: also per page of the memory's size before the grow
          w.byte(OP.memorySize).byte(0x00).byte(OP.i64ExtendI32U);
          w.byte(OP.i64Const).sleb(insertion.perCurrentPage).byte(OP.i64Mul).byte(OP.i64Sub);
        }
        // with `gas - cost` on the stack: store it, and trap out of gas if it went negative
        w.byte(OP.localTee).u32(this.gasLocal).byte(OP.i64Const).byte(0).byte(OP.i64LtS);
        writeTrapIf(w, globals.trap, TRAP_REASON.outOfGas);
        break;
      case 'exit':
        if (counted && insertion.live) this.counts.exits++;
        if (insertion.live) this.epilogue();
        // unreachable, but validated: the return takes the extra result too
        else if (this.threaded) w.byte(OP.localGet).u32(this.gasLocal);
        break;
    }
  }

  private epilogue(): void {
    const { w, globals } = this;
    // the host reads the counter after this: any deferred shortfall must trap here
    if (this.checkExits) this.writeOutOfGasCheck();
    // An internal function returns the counter as its extra last result; every other function stores it.
    if (this.threaded) w.byte(OP.localGet).u32(this.gasLocal);
    else this.storeCounter();
    // A function that is not internal leaves the stack global as its caller set it (a callee may have changed
    // it); an internal function's caller sets it again before any call that reads it.
    if (!this.threaded && this.calls) {
      w.byte(OP.localGet).u32(this.heightLocal).byte(OP.i32Const).s32(this.frameCost).byte(OP.i32Sub);
      w.byte(OP.globalSet).u32(globals.stack);
    }
  }

  /** Subtracts `cost` from the counter (adds it back if negative: a refund); nothing for 0. */
  private writeAdjust(cost: number): void {
    if (cost === 0) return;
    this.w
      .byte(OP.localGet)
      .u32(this.gasLocal)
      .byte(OP.i64Const)
      .sleb(Math.abs(cost))
      .byte(cost > 0 ? OP.i64Sub : OP.i64Add)
      .byte(OP.localSet)
      .u32(this.gasLocal);
  }

  /** Traps out of gas if the counter is below zero. */
  private writeOutOfGasCheck(): void {
    this.w.byte(OP.localGet).u32(this.gasLocal).byte(OP.i64Const).byte(0).byte(OP.i64LtS);
    writeTrapIf(this.w, this.globals.trap, TRAP_REASON.outOfGas);
  }

  /** Makes the working counter current from the global (at entry, after calls). */
  private loadCounter(): void {
    this.w.byte(OP.globalGet).u32(this.globals.gas).byte(OP.localSet).u32(this.gasLocal);
  }

  /** Publishes the working counter to the global (before calls, at exits). */
  private storeCounter(): void {
    this.w.byte(OP.localGet).u32(this.gasLocal).byte(OP.globalSet).u32(this.globals.gas);
  }
}

/** With an i32 condition on the stack: if it is true, record the reason and trap. */
function writeTrapIf(w: ByteWriter, trapGlobal: number, reason: number): void {
  w.byte(OP.if).byte(OP.emptyBlockType);
  w.byte(OP.i32Const).s32(reason).byte(OP.globalSet).u32(trapGlobal).byte(OP.unreachable);
  w.byte(OP.end);
}

/** A vector section's count, raised by `extraCount`, and its original entries; the caller writes the extra ones. */
function writeVectorHead(w: ByteWriter, section: Section | undefined, bytes: Uint8Array, extraCount: number): void {
  if (section) {
    const r = new ByteReader(bytes, section.payloadStart, section.end);
    const count = r.u32();
    w.u32(count + extraCount).range(bytes, r.pos, section.end);
  } else {
    w.u32(extraCount);
  }
}

function writeTypes(w: ByteWriter, section: Section | undefined, bytes: Uint8Array, types: readonly FuncType[]): void {
  writeVectorHead(w, section, bytes, types.length);
  for (const type of types) {
    w.byte(0x60).u32(type.params.length);
    for (const v of type.params) w.byte(v);
    w.u32(type.results.length);
    for (const v of type.results) w.byte(v);
  }
}

function writeGlobals(w: ByteWriter, section: Section | undefined, bytes: Uint8Array, initialGas: bigint): void {
  writeVectorHead(w, section, bytes, 3);
  w.byte(OP.i64).byte(1).byte(OP.i64Const).s64(initialGas).byte(OP.end);
  w.byte(OP.i32).byte(1).byte(OP.i32Const).s32(0).byte(OP.end);
  w.byte(OP.i32).byte(1).byte(OP.i32Const).s32(0).byte(OP.end);
}

function writeExports(
  w: ByteWriter,
  section: Section | undefined,
  bytes: Uint8Array,
  globals: { gas: number; stack: number; trap: number },
  resetFunction: number,
): void {
  writeVectorHead(w, section, bytes, 4);
  w.name(GAS_GLOBAL_EXPORT).byte(3).u32(globals.gas);
  w.name(STACK_GLOBAL_EXPORT).byte(3).u32(globals.stack);
  w.name(TRAP_GLOBAL_EXPORT).byte(3).u32(globals.trap);
  w.name(RESET_FUNCTION_EXPORT).byte(0).u32(resetFunction);
}

/** The reset function's body: each mutable global's initialiser again, then global.set. */
function writeResetBody(w: ByteWriter, module: DecodedModule): void {
  w.u32(0); // no locals
  module.globals.forEach((global, index) => {
    if (!global.mutable) return;
    w.range(module.bytes, global.initStart, global.initEnd);
    w.byte(OP.globalSet).u32(module.importedGlobals + index);
  });
  w.byte(OP.end);
}

/**
 * Type indices by signature: the module's own types (the first of equal ones), then the types appended to
 * `extra`. A map keyed by the encoded signature, so looking a type up is constant time however many types and
 * functions the module has.
 */
class TypeTable {
  readonly extra: FuncType[] = [];
  private readonly byKey = new Map<string, number>();
  /** Type index of an internal function's type (counter and height params, counter result), by original index. */
  private readonly internalOf = new Map<number, number>();
  constructor(private readonly module: DecodedModule) {
    module.types.forEach((type, index) => {
      const key = signatureKey(type.params, type.results);
      if (!this.byKey.has(key)) this.byKey.set(key, index);
    });
  }
  /** Index of a type equal to `type`, appending it if the module has none. */
  indexOf(type: FuncType): number {
    const key = signatureKey(type.params, type.results);
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    this.extra.push(type);
    const index = this.module.types.length + this.extra.length - 1;
    this.byKey.set(key, index);
    return index;
  }
  internalType(typeIndex: number): number {
    let index = this.internalOf.get(typeIndex);
    if (index === undefined) {
      const type = this.module.types[typeIndex]!;
      index = this.indexOf({ params: [...type.params, OP.i64, OP.i32], results: [...type.results, OP.i64] });
      this.internalOf.set(typeIndex, index);
    }
    return index;
  }
}

function signatureKey(params: readonly number[], results: readonly number[]): string {
  return `${String.fromCharCode(...params)}|${String.fromCharCode(...results)}`;
}

/** The memory section with every maximum clamped to the cap (a memory with no maximum gets the cap). */
function writeCappedMemories(w: ByteWriter, section: Section, bytes: Uint8Array, capPages: number): void {
  const r = new ByteReader(bytes, section.payloadStart, section.end);
  const count = r.u32();
  w.u32(count);
  for (let i = 0; i < count; i++) {
    const flags = r.byte();
    const min = r.u32();
    const max = flags & 0x01 ? r.u32() : undefined;
    w.byte((flags & ~0x01) | 0x01)
      .u32(min)
      .u32(Math.min(max ?? capPages, capPages));
  }
}

function signedLeb(value: number): number[] {
  const w = new ByteWriter(8);
  w.s64(BigInt(value));
  return [...w.finish()];
}
