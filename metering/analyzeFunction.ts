/**
 * Analysis of one function body, in a single linear pass with an explicit control stack (no recursion, so an
 * 80,000-deep nesting costs no native stack): the instruction gate (every opcode must be priced by the schedule),
 * the nesting and br_table limits, and the `FunctionPlan` that applyPlan.ts writes into the code: segment charges
 * with their static costs, call sites, exits, dynamic-cost sites, and the frame cost of the stack limit.
 * Gas semantics: metering/SPEC.md. Pattern: finite-wasm's analyze-then-instrument.
 * @module
 */
import { ByteReader } from './_bytes.js';
import { MISC_OPCODES, OPCODES, type OpInfo, PREFIX_GROUPS } from './_opcodes.js';
import { checkValtype } from './_valtypes.js';
import type { DecodedModule, FuncType } from './decodeModule.js';
import { MeteringError, type MeteringErrorCode, type MeteringLocation } from './errors.js';
import { FRAME_BASE_UNITS, type MeteringLimits } from './limits.js';
import type { CostSchedule } from './schedule.js';

/**
 * A segment's charge. `cost` is final once the segment ends. `check`: first trap if the counter is already below
 * zero (at loop heads; elsewhere the check is deferred, SPEC.md "When out of gas is detected"). The then-arm of an
 * `if` is charged with the segment before the `if` (`plus`), and refunded on the else path (`minus`), which saves
 * a charge on the taken path, the common one in loops.
 */
export type Charge = {
  at: number;
  kind: 'charge';
  cost: number;
  check: boolean;
  /** Charged in advance by the segment that holds it in its `plus`: emits nothing itself. */
  precharged: boolean;
  /**
   * The segment runs a check before it ends (an internal call, whose callee checks; a dynamic charge): it must not
   * precharge a then-arm, or that check could see gas a refund would give back.
   */
  checksInside: boolean;
  /** The then-arm this segment charges in advance (a segment ends at its `if`: at most one). */
  plus: Charge | undefined;
  /** The precharged then-arm this segment refunds (it starts the else path: at most one). */
  minus: Charge | undefined;
  /**
   * The segment after the `if` this segment ends at, charged in advance: the `if`'s arms run no check and never
   * leave it, so that segment runs whenever this one does, unless a trap comes first (SPEC.md, "The code after an
   * if whose arms stay inside it").
   */
  after: Charge | undefined;
  /** For a loop's first segment: the loop, whose scheme decides where its check goes. */
  loop: LoopChecks | undefined;
};

/**
 * Where a loop checks the counter (SPEC.md "When out of gas is detected"). `backEdges`: every branch to the loop's
 * label is a plain `br`, so the check moves from the loop head to just before the loop (its first iteration) and
 * to each `br` (every later one), as a `br_if` on `gas >= 0` followed by the out-of-gas trap: the same counter value
 * is checked at the same points of the execution, without a separate branch at the head of every iteration.
 * Otherwise (a `br_if` or `br_table` targets the loop) the loop head checks. `targeted`: some branch targets the
 * label; a loop that nothing targets runs once, like a block, and checks nowhere (a nest of 1,000 such loops was
 * instrumented with 1,000 checks, 5x the module's size, for V8 to compile at deploy).
 */
export type LoopChecks = { backEdges: boolean; targeted: boolean };

export type Insertion =
  | Charge
  /**
   * Before a call: store the gas local and the frame's stack height into the globals, or push both as the last
   * arguments of an internal callee (SPEC.md, Internal functions). `callee`: the function index of a `call`, undefined for `call_indirect`.
   * `live`: false in unreachable code, where only an internal callee's extra argument is written (for validation).
   */
  | { at: number; kind: 'beforeCall'; callee: number | undefined; live: boolean }
  /** After a call: reload the gas local from the global (internal callees too: they store it at their exits). */
  | { at: number; kind: 'afterCall'; callee: number | undefined; live: boolean }
  /**
   * Charge `rate` gas per unit of the unsigned i32 on top of the stack (memory.grow pages, bulk bytes), and
   * `perCurrentPage` (0: none) per page of the memory's size before a memory.grow.
   */
  | { at: number; kind: 'dynamic'; rate: number; perCurrentPage: number }
  /**
   * Function epilogue before a `return`. `live`: false in unreachable code, where only an internal function's extra
   * result is pushed (a `return` in a block opened in unreachable code is validated against the function's results).
   */
  | { at: number; kind: 'exit'; live: boolean }
  /** An `else` arm added to an `if` that has none, to refund its precharged then-arm (`charge.minus`). */
  | { at: number; kind: 'elseRefund'; charge: Charge }
  /** Before a `loop`: its first iteration's check, when the loop checks at its back edges. */
  | { at: number; kind: 'loopEntry'; loop: LoopChecks }
  /** Before a `br` to a loop (label `depth`) that checks at its back edges: the check, as a `br_if`, and a trap. */
  | { at: number; kind: 'backEdge'; depth: number; loop: LoopChecks };

/*
 * Insertions come in three hidden classes, each made by one factory below with its fields in one order: charges,
 * call sites and exits, and the rest (loop checks, dynamic charges, else refunds). The loops that read `at` and
 * `kind` across kinds (applyPlan's writer, loop versioning) then see at most three maps, which V8's inline caches
 * handle as a short chain of map checks. With a literal per kind (eight shapes) those reads went megamorphic, V8's
 * slow generic property look-up (the loop head of applyPlan's writer alone was a quarter of its time); with one
 * class holding every field, each call site and charge carried sixteen fields, and the analyzer paid for the larger
 * objects (a fifth more time on call-heavy code).
 */

function newCharge(at: number, check: boolean): Charge {
  return {
    at,
    kind: 'charge',
    cost: 0,
    check,
    precharged: false,
    checksInside: false,
    plus: undefined,
    minus: undefined,
    after: undefined,
    loop: undefined,
  };
}

/** A call site or an exit (whose `callee` stays undefined): one shape. */
function site(
  at: number,
  kind: 'beforeCall' | 'afterCall' | 'exit',
  callee: number | undefined,
  live: boolean,
): Insertion {
  return { at, kind, callee, live } as Insertion;
}

/** Every other insertion: one shape with the fields of all of them. */
function marker(
  at: number,
  kind: 'loopEntry' | 'backEdge' | 'dynamic' | 'elseRefund',
  loop: LoopChecks | undefined,
  depth: number,
  rate: number,
  perCurrentPage: number,
  charge: Charge | undefined,
): Insertion {
  return { at, kind, loop, depth, rate, perCurrentPage, charge } as Insertion;
}

/** What a charge subtracts at its place (negative: a refund); 0 for a precharged then-arm, charged earlier. */
export function effectiveCost(charge: Charge): number {
  return charge.precharged ? 0 : fullCost(charge);
}

/** A charge's own cost, plus the then-arms it precharges, less the precharge it refunds. */
function fullCost(charge: Charge): number {
  return chainCost(charge) - (charge.minus ? chainCost(charge.minus) : 0);
}

/**
 * A charge's own cost plus that of the segments it charges in advance (the then-arm of its `if` and the segment
 * after that `if`), each of which may charge others in advance in turn (a then-arm starting with an `if`): a tree
 * as deep as the nesting, walked without recursion. Only its root can hold a refund (a precharged then-arm starts
 * at its `if`, never at an `else`; a precharged segment after an `if` starts at its `end`).
 */
function chainCost(charge: Charge): number {
  let cost = 0;
  let pending: Charge[] | undefined; // allocated only when a segment after an `if` is precharged too
  let link: Charge | undefined = charge;
  while (link) {
    cost += link.cost;
    if (link.after) (pending ??= []).push(link.after);
    link = link.plus ?? pending?.pop();
  }
  return cost;
}

export type FunctionPlan = {
  readonly functionIndex: number;
  readonly type: FuncType;
  /** Offset of the locals vector's count, and of the first instruction. */
  readonly localsStart: number;
  readonly codeStart: number;
  readonly end: number;
  readonly declaredLocals: number;
  /** `block`, `loop` and `if` instructions: the analyzer's dearest per-byte work, priced per item at deploy. */
  readonly blocks: number;
  readonly maxStackHeight: number;
  /** Stack units charged at entry (SPEC.md, Stack limit). */
  readonly frameCost: number;
  /** In code order; several at one offset are emitted in array order. */
  readonly insertions: readonly Insertion[];
  /**
   * `local.get/set/tee` immediates naming a declared local (index >= params), as triples (start, end, index) in
   * code order: an internal function's extra parameter shifts them by one.
   */
  readonly localRefs: readonly number[];
  /** Some `call` or `call_indirect` has insertions (a `beforeCall`): the function checks the counter at entry. */
  readonly calls: boolean;
  /** Indices in `insertions` of the `loopEntry` insertions, in order (loop versioning looks at these alone). */
  readonly loopEntries: readonly number[];
};

export type AnalyzeContext = {
  readonly module: DecodedModule;
  readonly schedule: CostSchedule;
  readonly limits: MeteringLimits;
  readonly tooling: boolean;
  /** Export names by function index, for error locations. */
  readonly functionNames: ReadonlyMap<number, string>;
  /** Signature of every function in the index space (imports first). */
  readonly signatures: readonly FuncType[];
};

/** Slots the injected code itself may push above the function's own operand stack. */
const INJECTED_STACK_SLOTS = 3;

enum Kind {
  Func = 0,
  Block = 1,
  Loop = 2,
  If = 3,
}

type Frame = {
  kind: Kind;
  /** Operand-stack height below this frame's values. */
  height: number;
  params: number;
  results: number;
  /** The code of this frame cannot run from here until its `else` or `end`. */
  dead: boolean;
  /** Whether the frame was already unreachable when it opened (restored at `else`). */
  deadAtEntry: boolean;
  /** For an `if`: its then-arm's first segment, charged in advance by the segment before the `if`. */
  precharged: Charge | undefined;
  /** For an `if`: the segment that ends at it, and the first segment of its then-arm. */
  before: Charge | undefined;
  thenFirst: Charge | undefined;
  /** A branch targets this frame's label. */
  targeted: boolean;
  /** The code became unreachable by leaving the function (`return`, `unreachable`), not by a branch. */
  leaves: boolean;
  /** For an `if`: whether an `else` was seen. */
  hasElse: boolean;
  /** For a `loop`: where it checks. */
  loop: LoopChecks | undefined;
  /** Something inside checks the counter or leaves the function (a call, a loop, a dynamic charge, `return`, `unreachable`). */
  checks: boolean;
  /** The outermost frame (index into the control stack) a branch from inside targets; Infinity if none. */
  minTarget: number;
};

/** `[] -> [t]` for every one-byte value type, shared: a block of one result allocates nothing. */
const SINGLE_RESULT_TYPES: readonly FuncType[] = Array.from({ length: 0x80 }, (_, t) =>
  Object.freeze({ params: [], results: [t] }),
);

const GROUP_CODES: Record<string, MeteringErrorCode> = {
  float: 'FLOAT',
  simd: 'SIMD',
  atomic: 'ATOMICS',
};

const GROUP_NAMES: Record<string, string> = {
  float: 'floating-point operations are not deterministic across machines',
  simd: 'SIMD is not allowed in contracts',
  atomic: 'threads and atomics are not allowed in contracts',
  exception: 'exception handling is not supported',
  tailCall: 'tail calls are not supported',
  gc: 'GC, typed function references and strings are not supported',
  reference: 'reference-type instructions are not supported',
  table: 'table instructions are not supported',
};

export function analyzeFunction(ctx: AnalyzeContext, definedIndex: number): FunctionPlan {
  const { module, schedule, limits, tooling } = ctx;
  const functionIndex = module.importedFunctions + definedIndex;
  const body = module.codeBodies[definedIndex]!;
  const type = module.types[module.functionTypes[definedIndex]!]!;
  // the location of an error, made only when one is thrown (a Map look-up and an object per function otherwise)
  const where = (): MeteringLocation => ({ functionIndex, functionName: ctx.functionNames.get(functionIndex) });
  const weightTable = weightsByOpcode(schedule.weights);
  const r = new ByteReader(module.bytes, body.start, body.end);

  const localsStart = r.pos;
  let declaredLocals = 0;
  let blocks = 0;
  for (let groups = r.u32(), g = 0; g < groups; g++) {
    const count = r.u32();
    const valtype = r.byte();
    declaredLocals += count;
    if (declaredLocals > limits.maxLocalsPerFunction) {
      throw new MeteringError(
        'LIMIT',
        `function declares more than ${limits.maxLocalsPerFunction} locals (maxLocalsPerFunction)`,
        { ...where(), operation: 'locals' },
      );
    }
    if (count > 0 && valtype !== I32 && valtype !== I64) {
      checkValtype(valtype, tooling, 'a local', { ...where(), operation: 'local declaration' });
    }
  }
  const codeStart = r.pos;

  const insertions: Insertion[] = [];
  const localRefs: number[] = [];
  const loopEntries: number[] = [];
  let calls = false;
  const params = type.params.length;
  const frames: Frame[] = [
    {
      kind: Kind.Func,
      height: 0,
      params: 0,
      results: type.results.length,
      dead: false,
      deadAtEntry: false,
      precharged: undefined,
      before: undefined,
      thenFirst: undefined,
      targeted: false,
      leaves: false,
      hasElse: false,
      loop: undefined,
      checks: false,
      minTarget: Number.POSITIVE_INFINITY,
    },
  ];
  let frame = frames[0]!;
  let height = 0;
  let maxHeight = 0;
  let segment: Charge | undefined = newCharge(codeStart, false);
  insertions.push(segment);

  const startSegment = (at: number, check = false) => {
    if (frame.dead) {
      segment = undefined;
      return;
    }
    segment = newCharge(at, check);
    insertions.push(segment);
  };
  /** Marks the frame `depth` labels out as a branch target; a conditional branch to a loop keeps its head check. */
  const markTargeted = (depth: number, conditional: boolean) => {
    const index = frames.length - 1 - depth;
    const target = frames[index];
    if (!target) return target;
    target.targeted = true;
    if (index < frame.minTarget) frame.minTarget = index;
    if (target.loop) {
      target.loop.targeted = true;
      if (conditional) target.loop.backEdges = false;
    }
    return target;
  };
  const pop = (n: number) => {
    height -= n;
    if (height < frame.height) height = frame.height; // only in unreachable code, where the stack is polymorphic
  };
  const push = (n: number) => {
    height += n;
    if (height > maxHeight) maxHeight = height;
  };
  const markDead = (leaves = false) => {
    if (!frame.dead) frame.leaves = leaves;
    frame.dead = true;
    height = frame.height;
    segment = undefined;
  };
  const fail = (code: MeteringErrorCode, message: string, at: number, operation: string): never => {
    throw new MeteringError(code, message, { ...where(), offset: at, operation });
  };
  const readBlockType = (at: number): FuncType => {
    const first = module.bytes[r.pos];
    if (first === 0x40) {
      r.pos++;
      return EMPTY_TYPE;
    }
    if (first !== undefined && first >= 0x60 && first <= 0x7f) {
      r.pos++;
      if (first !== I32 && first !== I64) {
        checkValtype(first, tooling, 'a block type', { ...where(), offset: at, operation: 'block type' });
      }
      return SINGLE_RESULT_TYPES[first]!;
    }
    const index = r.s33();
    const blockType = module.types[index];
    if (!blockType) return fail('MALFORMED', 'block type index out of range', at, 'block type');
    return blockType;
  };
  const calleeType = (index: number): FuncType => ctx.signatures[index] ?? EMPTY_TYPE;

  const bytes = module.bytes;
  const bodyEnd = body.end;
  const fastKinds = weightTable.fast;
  const single = weightTable.single;
  while (r.pos < bodyEnd) {
    const at = r.pos;
    const opcode = bytes[at]!;
    r.pos = at + 1;
    // A run of common instructions (no control, no call, a fixed stack effect, priced by the schedule) in one
    // short loop over locals: the same work as the general path below, without its string switches, and with the
    // walk's shared state (kept in the closures' context, so every touch is a memory access) read and written
    // once a run instead of once an instruction. Weights are integers, so the run's sum is the same number.
    if (fastKinds[opcode] !== FAST_NONE) {
      let pos = at;
      let op = opcode;
      let kind = fastKinds[op]!;
      let h = height;
      let top = maxHeight;
      let cost = 0;
      const floor = frame.height;
      for (;;) {
        cost += single[op]!;
        const start = pos + 1;
        pos = start;
        if (kind !== FAST_PLAIN) {
          const first = bytes[start]!;
          if (kind === FAST_LOCAL) {
            let index: number;
            if (first < 0x80 && start < bodyEnd) {
              index = first;
              pos = start + 1;
            } else {
              r.pos = start;
              index = r.u32();
              pos = r.pos;
            }
            if (index >= params) localRefs.push(start, pos, index);
          } else if ((kind === FAST_LEB || kind === FAST_U32) && first < 0x80 && start < bodyEnd) {
            pos = start + 1; // the one-byte form of a constant or a global index
          } else if (kind === FAST_MEMARG && first < 0x40 && bytes[start + 1]! < 0x80 && start + 1 < bodyEnd) {
            pos = start + 2; // one-byte alignment (no multi-memory flag) and offset
          } else {
            r.pos = start;
            if (kind === FAST_LEB) r.skipLeb();
            else if (kind === FAST_U32) r.u32();
            else if (kind === FAST_MEMARG) {
              if (r.u32() & 0x40) fail('FEATURE', 'multi-memory is not supported', start - 1, OPCODES[op]!.name);
              r.skipLeb();
            } else r.skip(kind === FAST_F32 ? 4 : 8);
            pos = r.pos;
          }
        }
        h -= FAST_POPS[op]!;
        if (h < floor) h = floor;
        h += FAST_PUSHES[op]!;
        if (h > top) top = h;
        if (pos >= bodyEnd) break;
        op = bytes[pos]!;
        kind = fastKinds[op]!;
        if (kind === FAST_NONE) break;
      }
      r.pos = pos;
      height = h;
      maxHeight = top;
      if (segment) segment.cost += cost;
      continue;
    }
    let info: OpInfo | undefined;
    let weight: number;
    if (opcode === 0xfc) {
      const sub = r.u32();
      info = MISC_OPCODES[sub];
      weight = sub < weightTable.misc.length ? weightTable.misc[sub]! : Number.NaN;
      if (!info) fail('FEATURE', `unknown instruction 0xFC ${sub}`, at, `0xfc ${sub}`);
    } else {
      const prefix = opcode >= 0xfb ? PREFIX_GROUPS[opcode] : undefined;
      if (prefix) fail(GROUP_CODES[prefix.group] ?? 'FEATURE', GROUP_NAMES[prefix.group]!, at, prefix.name);
      info = OPCODES[opcode];
      weight = weightTable.single[opcode]!;
      if (!info) fail('FEATURE', `unknown instruction 0x${opcode.toString(16)}`, at, `0x${opcode.toString(16)}`);
    }
    const op = info!;
    if (Number.isNaN(weight)) {
      fail(
        GROUP_CODES[op.cls] ?? 'FEATURE',
        `${op.name}: ${GROUP_NAMES[op.cls] ?? 'not priced by the schedule'}`,
        at,
        op.name,
      );
    }
    if (segment) segment.cost += weight;

    switch (op.imm) {
      case 'block': {
        const blockType = readBlockType(at);
        blocks++;
        if (opcode === 0x04) pop(1);
        if (frames.length > limits.maxNestingDepth) {
          fail('LIMIT', `blocks nest deeper than ${limits.maxNestingDepth} (maxNestingDepth)`, at, op.name);
        }
        pop(blockType.params.length);
        const base = height;
        push(blockType.params.length);
        const before = segment;
        const loop: LoopChecks | undefined = opcode === 0x03 ? { backEdges: true, targeted: false } : undefined;
        if (loop && !frame.dead) {
          loopEntries.push(insertions.length);
          insertions.push(marker(at, 'loopEntry', loop, 0, 0, 0, undefined));
        }
        if (loop) frame.checks = true;
        frame = {
          kind: opcode === 0x02 ? Kind.Block : opcode === 0x03 ? Kind.Loop : Kind.If,
          height: base,
          params: blockType.params.length,
          results: blockType.results.length,
          dead: frame.dead,
          deadAtEntry: frame.dead,
          precharged: undefined,
          before,
          thenFirst: undefined,
          targeted: false,
          leaves: false,
          hasElse: false,
          loop,
          checks: false,
          minTarget: Number.POSITIVE_INFINITY,
        };
        frames.push(frame);
        if (opcode !== 0x02) startSegment(r.pos, opcode === 0x03); // loop: each iteration (checked); if: the then-arm
        if (loop && segment) segment.loop = loop;
        if (opcode === 0x04) frame.thenFirst = segment;
        if (opcode === 0x04 && before && !before.checksInside && segment) {
          segment.precharged = true;
          before.plus = segment;
          frame.precharged = segment;
        }
        continue;
      }
      case 'none':
        break;
      case 'label': {
        const depth = r.u32();
        const target = markTargeted(depth, opcode !== 0x0c);
        if (opcode === 0x0c && target?.loop && !frame.dead) {
          insertions.push(marker(at, 'backEdge', target.loop, depth, 0, 0, undefined));
        }
        break;
      }
      case 'brTable': {
        const targets = r.u32();
        if (targets > limits.maxBrTableTargets) {
          fail('LIMIT', `br_table has more than ${limits.maxBrTableTargets} targets (maxBrTableTargets)`, at, op.name);
        }
        for (let i = 0; i <= targets; i++) markTargeted(r.u32(), true);
        break;
      }
      case 'func':
        if (opcode === 0x10) {
          const calleeIndex = r.u32();
          const callee = calleeType(calleeIndex);
          pop(callee.params.length);
          push(callee.results.length);
          // In unreachable code a call still needs its insertions if the callee may be internal (its extra i64
          // argument: the types must still match).
          if (!frame.dead || calleeIndex >= module.importedFunctions) {
            const live = !frame.dead;
            insertions.push(site(at, 'beforeCall', calleeIndex, live));
            calls = true;
            insertions.push(site(r.pos, 'afterCall', calleeIndex, live));
          }
          // A call to an import (the host) may revert: the caller's segment ends there, so a revert is charged
          // exactly what ran. A call to one of the module's own functions can only return or trap (a trap takes
          // all the gas), so the segment goes on through it: one charge fewer per call.
          frame.checks = true;
          if (calleeIndex < module.importedFunctions) startSegment(r.pos);
          else if (segment) segment.checksInside = true;
          continue;
        }
        r.u32(); // ref.func: its function is named outside the functions too (validation), where instrument looks
        break;
      case 'callIndirect': {
        const callee = module.types[r.u32()] ?? EMPTY_TYPE;
        r.u32();
        pop(1 + callee.params.length);
        push(callee.results.length);
        frame.checks = true;
        if (!frame.dead) {
          insertions.push(site(at, 'beforeCall', undefined, true));
          calls = true;
          insertions.push(site(r.pos, 'afterCall', undefined, true));
        }
        startSegment(r.pos);
        continue;
      }
      case 'local': {
        const start = r.pos;
        const index = r.u32();
        if (index >= params) localRefs.push(start, r.pos, index);
        break;
      }
      case 'global':
      case 'table':
      case 'data':
      case 'elem':
        r.u32();
        break;
      case 'memarg': {
        const align = r.u32();
        if (align & 0x40) fail('FEATURE', 'multi-memory is not supported', at, op.name);
        r.skipLeb();
        break;
      }
      case 'memory':
        if (r.u32() !== 0) fail('FEATURE', 'multi-memory is not supported', at, op.name);
        break;
      case 'memoryMemory':
      case 'dataMemory':
      case 'elemTable':
      case 'tableTable':
        r.u32();
        r.u32();
        break;
      case 'i32':
      case 'i64':
      case 'refNull':
        r.skipLeb();
        break;
      case 'f32':
        r.skip(4);
        break;
      case 'f64':
        r.skip(8);
        break;
      case 'selectT':
        for (let n = r.u32(), i = 0; i < n; i++) {
          checkValtype(r.byte(), tooling, 'select', { ...where(), offset: at, operation: 'select' });
        }
        break;
    }

    switch (opcode) {
      case 0x00: // unreachable
        frame.checks = true;
        markDead(true);
        continue;
      case 0x0c: // br
        markDead();
        continue;
      case 0x0e: // br_table
        pop(1);
        markDead();
        continue;
      case 0x0f: // return
        insertions.push(site(at, 'exit', undefined, !frame.dead));
        frame.checks = true;
        markDead(true);
        continue;
      case 0x0d: // br_if
        pop(1);
        startSegment(r.pos);
        continue;
      case 0x05: {
        // else
        height = frame.height + frame.params;
        frame.dead = frame.deadAtEntry;
        frame.hasElse = true;
        startSegment(r.pos);
        if (frame.precharged && segment) segment.minus = frame.precharged;
        continue;
      }
      case 0x0b: {
        // end
        const closed = frames.pop()!;
        const closedIndex = frames.length;
        height = closed.height;
        // An if without else whose then-arm leaves the function (an early `return`, or `unreachable`) and is not
        // branched out of: the code after it runs exactly when the condition is false, the common case for such
        // a guard (a then-arm that ends in `br`, such as a loop's `continue`, keeps the then-arm precharge). That code's first
        // segment is then charged with the segment before the `if` instead, and the then-arm refunds it: the false
        // path pays one charge, the then-arm one (SPEC.md, "The code after an if whose then-arm leaves").
        const guard =
          closed.kind === Kind.If &&
          !closed.hasElse &&
          closed.dead &&
          closed.leaves &&
          !closed.deadAtEntry &&
          !closed.targeted &&
          closed.thenFirst !== undefined &&
          closed.before !== undefined &&
          !closed.before.checksInside &&
          frames.length > 0;
        if (closed.precharged && !closed.hasElse && !guard) {
          // the false path of an if without else: an else arm is added here to refund the precharge
          const refund = newCharge(at, false);
          refund.minus = closed.precharged;
          insertions.push(marker(at, 'elseRefund', undefined, 0, 0, 0, refund));
        }
        if (frames.length === 0) {
          if (r.pos !== body.end) fail('MALFORMED', 'code after the end of the function', r.pos, 'end');
          continue;
        }
        frame = frames[frames.length - 1]!;
        if (closed.checks) frame.checks = true;
        if (closed.minTarget < frame.minTarget) frame.minTarget = closed.minTarget;
        // An if whose arms run no check and never leave it (no call, loop, dynamic charge, return, unreachable, or
        // branch past its own label): the segment after it runs whenever the segment before it does (or a trap,
        // which takes all the gas, comes first), so the segment before it pays for it too (SPEC.md, "The code
        // after an if whose arms stay inside it").
        const straight =
          closed.kind === Kind.If &&
          !guard &&
          !closed.deadAtEntry &&
          !closed.checks &&
          closed.minTarget >= closedIndex &&
          closed.before !== undefined &&
          !closed.before.checksInside &&
          closed.before.after === undefined;
        push(closed.results);
        startSegment(r.pos);
        if (straight && segment) {
          closed.before!.after = segment;
          segment.precharged = true;
        }
        if (guard && segment) {
          const before = closed.before!;
          const thenFirst = closed.thenFirst!;
          thenFirst.precharged = false;
          before.plus = segment;
          segment.precharged = true;
          thenFirst.minus = segment;
        }
        continue;
      }
    }
    if (op.cls === 'memoryGrow' || (op.cls === 'bulk' && opcode === 0xfc && op.name !== 'data.drop')) {
      const rate = op.cls === 'memoryGrow' ? schedule.memoryGrowPerPage : schedule.bulkPerByte;
      const perCurrentPage = op.cls === 'memoryGrow' ? (schedule.memoryGrowPerCurrentPage ?? 0) : 0;
      frame.checks = true;
      if (!frame.dead && (rate > 0 || perCurrentPage > 0)) {
        insertions.push(marker(at, 'dynamic', undefined, 0, rate, perCurrentPage, undefined));
      }
      if (segment) segment.checksInside = true;
    }
    pop(op.pops);
    push(op.pushes);
  }
  if (frames.length !== 0) fail('MALFORMED', 'function body ends inside a block', body.end, 'end');

  const frameCost = FRAME_BASE_UNITS + type.params.length + declaredLocals + maxHeight + INJECTED_STACK_SLOTS;
  return {
    functionIndex,
    type,
    localsStart,
    codeStart,
    end: body.end,
    declaredLocals,
    blocks,
    maxStackHeight: maxHeight,
    frameCost,
    insertions,
    localRefs,
    calls,
    loopEntries,
  };
}

const EMPTY_TYPE: FuncType = Object.freeze({ params: [], results: [] });

/**
 * `fast`: for each one-byte opcode the schedule prices, how the short path of the walk reads it (FAST_*), or
 * FAST_NONE for the general path: control, calls, dynamic charges, type-dependent stack effects, and what the
 * schedule rejects (so the rejection and its message come from one place).
 */
type WeightTable = { readonly single: Float64Array; readonly misc: Float64Array; readonly fast: Uint8Array };
const weightTables = new WeakMap<CostSchedule['weights'], WeightTable>();
let lastWeights: CostSchedule['weights'] | undefined;
let lastTable: WeightTable | undefined;

/**
 * The schedule's weight of every opcode, indexed by the opcode byte (and by the 0xFC sub-opcode), NaN where the
 * schedule prices nothing: one array read an instruction instead of a look-up by class name.
 */
function weightsByOpcode(weights: CostSchedule['weights']): WeightTable {
  // the last table asked for, without a WeakMap look-up: every function of a module asks for the same one
  if (weights === lastWeights) return lastTable!;
  let table = weightTables.get(weights);
  if (table) {
    lastWeights = weights;
    lastTable = table;
    return table;
  }
  const of = (ops: ReadonlyArray<OpInfo | undefined>) => {
    const out = new Float64Array(Math.max(256, ops.length)).fill(Number.NaN);
    ops.forEach((op, index) => {
      const weight = op ? (weights as Readonly<Record<string, number | undefined>>)[op.cls] : undefined;
      if (weight !== undefined) out[index] = weight;
    });
    return out;
  };
  const single = of(OPCODES);
  const fast = new Uint8Array(256);
  OPCODES.forEach((op, opcode) => {
    if (op && opcode < 0xfb && !Number.isNaN(single[opcode]!)) fast[opcode] = fastKindOf(op, opcode);
  });
  table = { single, misc: of(MISC_OPCODES), fast };
  weightTables.set(weights, table);
  lastWeights = weights;
  lastTable = table;
  return table;
}
const I32 = 0x7f;
const I64 = 0x7e;

const FAST_NONE = 0;
const FAST_PLAIN = 1;
const FAST_LOCAL = 2;
const FAST_LEB = 3;
const FAST_MEMARG = 4;
const FAST_F32 = 5;
const FAST_F64 = 6;
const FAST_U32 = 7;

/** Opcodes the general path treats specially after their immediates (control, dynamic charges). */
const SPECIAL_OPCODES = new Set([0x00, 0x05, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f]);

function fastKindOf(op: OpInfo, opcode: number): number {
  const special = SPECIAL_OPCODES.has(opcode) || op.cls === 'memoryGrow' || op.cls === 'bulk';
  if (special || op.pops < 0 || op.pushes < 0) return FAST_NONE;
  switch (op.imm) {
    case 'none':
      return FAST_PLAIN;
    case 'local':
      return FAST_LOCAL;
    case 'global':
      return FAST_U32;
    case 'i32':
    case 'i64':
      return FAST_LEB;
    case 'memarg':
      return FAST_MEMARG;
    case 'f32':
      return FAST_F32;
    case 'f64':
      return FAST_F64;
    default:
      return FAST_NONE;
  }
}

/** Operand-stack effect of every one-byte opcode (0 where the walker works it out). */
const FAST_POPS = Uint8Array.from({ length: 256 }, (_, opcode) => Math.max(0, OPCODES[opcode]?.pops ?? 0));
const FAST_PUSHES = Uint8Array.from({ length: 256 }, (_, opcode) => Math.max(0, OPCODES[opcode]?.pushes ?? 0));
