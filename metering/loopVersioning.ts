/**
 * Loop versioning by trip count (SPEC.md, "Counted loops"): an innermost loop of the shape compilers emit for
 * `for (i = a; i < n; i += k)` gets a second, fast copy without a charge or a check per iteration, taken when the
 * counter covers every iteration the loop can run. Its iterations' first-segment charges are paid at its exit,
 * counted from the induction variable, so gas stays exact; the original, checked loop runs otherwise, so out of
 * gas comes at exactly the same point as without versioning.
 *
 * Why: in a tight loop the `i64.sub` of the segment charge (a loop-carried dependency, a register held across the
 * loop) and the back-edge check are most of what metering costs (docs/benchmarks.md, Metering).
 *
 * Recognised shape, on the original instruction stream (asc -O3, clang and binaryen all emit it):
 *
 *     loop (empty type)
 *       HEAD                      ;; ends with the condition: `x y cmp`, or `x y cmp if (result i32) .. else i32.const 0 end`
 *       if (empty type)           ;; no else
 *         BODY                    ;; writes i once, at its top level: `i = i + k`, `i = i - k`, `i = i + s`
 *         br 1                    ;; the only branch to the loop
 *       end
 *     end
 *
 * where one of `x`, `y` is `local.get i` (i32) and the other an `i32.const` or a local the loop never writes; the
 * step `k` is a constant, `s` a local the loop never writes; no instruction of the loop calls, grows or copies
 * memory, returns, traps by `unreachable`, opens a nested loop or branches to the loop, to the `if` or past them
 * (other than the final `br 1`). Then every iteration that continues runs HEAD and BODY through, and writes i once;
 * the condition implies `i REL bound`, so the loop continues at most T times, T computed at entry from i, the
 * bound and the step (T = 0 when the relation does not hold, the fast copy refused when i could wrap).
 * Pure analysis: plain data that applyPlan.ts writes (`writeDispatch`, `writeSettle`).
 * @module
 */
import { ByteReader, type ByteWriter } from './_bytes.js';
import { MISC_OPCODES, OPCODES } from './_opcodes.js';
import { type Charge, effectiveCost, type FunctionPlan, type LoopChecks } from './analyzeFunction.js';

/** The relation between the induction variable and its bound that every continuing iteration satisfies. */
export type LoopRelation = 'lt' | 'le' | 'gt' | 'ge';

/** A loop operand: an `i32.const` value, or a local (original numbering) the loop never writes. */
export type LoopOperand =
  | { readonly kind: 'const'; readonly value: number }
  | { readonly kind: 'local'; readonly index: number };

export type VersionedLoop = {
  /** Offset of the `loop` opcode, and just after its `end`. */
  readonly at: number;
  readonly end: number;
  readonly loop: LoopChecks;
  /** The induction local (original numbering; an internal function's declared locals move at write time). */
  readonly induction: number;
  readonly relation: LoopRelation;
  readonly unsigned: boolean;
  readonly bound: LoopOperand;
  /**
   * The step added per iteration: a nonzero constant (negative for a count down), or a local (upward loops only:
   * the fast copy also needs it positive at entry).
   */
  readonly step: LoopOperand;
  /** The loop's first segment (each iteration's charge, with the then-arm it precharges): paid at the exit. */
  readonly headCharge: Charge;
  /** Its cost, H: what each iteration that ran is charged at the exit. */
  readonly perIterationCharge: number;
  /**
   * W: the most gas one iteration can charge (H plus every other positive charge inside the loop, each of which
   * runs at most once an iteration). The fast copy is taken only if the counter covers T * W.
   */
  readonly perIterationBound: number;
};

/** Above this per-iteration bound a loop is not versioned: T < 2^34 and W < 2^28 keep T * W below 2^62. */
const MAX_PER_ITERATION = 2 ** 28;
/**
 * Longer loops are not versioned: the copy doubles their code, and one charge an iteration weighs little against
 * a body this long (the benchmark kernels' loops are 20 to 400 bytes).
 */
const MAX_LOOP_BYTES = 2048;

const LOOP = 0x03;
const IF = 0x04;
const ELSE = 0x05;
const END = 0x0b;
const BR = 0x0c;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const EMPTY = 0x40;
const I32 = 0x7f;

/** i32 comparisons, as `x REL y` with x the left operand: relation and signedness. */
const COMPARISONS: Readonly<Record<number, { relation: LoopRelation; unsigned: boolean }>> = {
  72: { relation: 'lt', unsigned: false },
  73: { relation: 'lt', unsigned: true },
  74: { relation: 'gt', unsigned: false },
  75: { relation: 'gt', unsigned: true },
  76: { relation: 'le', unsigned: false },
  77: { relation: 'le', unsigned: true },
  78: { relation: 'ge', unsigned: false },
  79: { relation: 'ge', unsigned: true },
};
const FLIPPED: Readonly<Record<LoopRelation, LoopRelation>> = { lt: 'gt', gt: 'lt', le: 'ge', ge: 'le' };

/** Opcodes a versioned loop may not contain: they check, leave, trap on purpose, or nest a loop. */
const REFUSED = new Set([0x00, LOOP, 0x0f, 0x10, 0x11, 0x40]);

/**
 * The loops of one function that get a fast copy. Candidates come from the plan (loops checked at their back
 * edges, with one back edge and no call, dynamic charge or exit inside), so only their bytes are decoded again.
 */
export function findVersionedLoops(bytes: Uint8Array, plan: FunctionPlan): VersionedLoop[] {
  const found: VersionedLoop[] = [];
  const insertions = plan.insertions;
  for (const k of plan.loopEntries) {
    const entry = insertions[k]!;
    if (entry.kind !== 'loopEntry' || !entry.loop.backEdges || !entry.loop.targeted) continue;
    const loop = entry.loop;
    let head: Charge | undefined;
    let backEdge = -1;
    let others = 0;
    let ok = true;
    for (let j = k + 1; j < insertions.length && ok; j++) {
      const insertion = insertions[j]!;
      if (insertion.kind === 'charge') {
        if (insertion.loop === loop) head = insertion;
        else others += Math.max(0, effectiveCost(insertion));
      } else if (insertion.kind === 'elseRefund') {
        others += Math.max(0, effectiveCost(insertion.charge));
      } else if (insertion.kind === 'backEdge' && insertion.loop === loop) {
        backEdge = insertion.at;
        break;
      } else {
        ok = false; // a call, a dynamic charge, an exit, a nested loop, a back edge of another loop
      }
    }
    if (!ok || !head || backEdge < 0) continue;
    // the back edge must be the loop's last instructions: `br 1`, the if's `end`, the loop's `end`
    if (bytes[backEdge + 1] !== 1 || bytes[backEdge + 2] !== END || bytes[backEdge + 3] !== END) continue;
    const end = backEdge + 4;
    if (end - entry.at > MAX_LOOP_BYTES) continue;
    // charges after the back edge, still inside the loop: the else arm's refund (negative) or a segment of cost 0
    for (let j = k + 1; j < insertions.length && insertions[j]!.at < end; j++) {
      const insertion = insertions[j]!;
      if (insertion.at <= backEdge) continue;
      if (insertion.kind === 'charge') others += Math.max(0, effectiveCost(insertion));
      else if (insertion.kind === 'elseRefund') others += Math.max(0, effectiveCost(insertion.charge));
    }
    const perIterationCharge = effectiveCost(head);
    const perIterationBound = perIterationCharge + others;
    if (perIterationCharge <= 0 || perIterationBound >= MAX_PER_ITERATION) continue;
    const shape = matchCountedLoop(bytes, entry.at, end);
    // spelled out, not spread: `{ ...shape, … }` took V8 a slow generic copy (80% of this function's time on
    // AssemblyScript's loops)
    if (shape)
      found.push({
        induction: shape.induction,
        relation: shape.relation,
        unsigned: shape.unsigned,
        bound: shape.bound,
        step: shape.step,
        at: entry.at,
        end,
        loop,
        headCharge: head,
        perIterationCharge,
        perIterationBound,
      });
  }
  return found;
}

type Shape = Pick<VersionedLoop, 'induction' | 'relation' | 'unsigned' | 'bound' | 'step'>;

/**
 * A loop's instructions, decoded into arrays kept between calls (struct of arrays, indexed by instruction): the
 * opcode, the immediate the matcher reads (a label, local or function index, an i32 constant), the block type, and
 * for a br_table its label depths (default last). A loop has at most MAX_LOOP_BYTES instructions. Objects made per
 * instruction cost more than the rest of the matching, and most loops do not match (on The Graph's AssemblyScript
 * contracts, every loop).
 */
const decoded = {
  ops: new Int32Array(MAX_LOOP_BYTES),
  imms: new Float64Array(MAX_LOOP_BYTES),
  types: new Int32Array(MAX_LOOP_BYTES),
  /** For each `end`/`else`: the index of its opener; -1 if none. */
  frameOf: new Int32Array(MAX_LOOP_BYTES),
  /** Frames open around each instruction. */
  depthAt: new Int32Array(MAX_LOOP_BYTES),
  targets: new Map<number, number[]>(),
};

/** Decodes `[at, end)` and matches the counted-loop shape of the module header; undefined if it does not fit. */
function matchCountedLoop(bytes: Uint8Array, at: number, end: number): Shape | undefined {
  const n = decode(bytes, at, end);
  if (n < 0) return undefined;
  const { ops, imms, types, frameOf, depthAt, targets } = decoded;
  if (ops[0] !== LOOP || types[0] !== EMPTY) return undefined;
  // frames: 0 the loop, then nested blocks; find the `if` the second-last `end` closes, and check every branch
  const openers: number[] = [];
  frameOf.fill(-1, 0, n);
  const written = new Map<number, number[]>(); // local -> indices of local.set / local.tee
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    depthAt[i] = openers.length;
    if (REFUSED.has(op) && i > 0) return undefined;
    if (op === 0x02 || op === LOOP || op === IF) openers.push(i);
    else if (op === ELSE || op === END) {
      if (openers.length === 0) return undefined; // past the loop's own end: not the shape
      frameOf[i] = op === ELSE ? openers[openers.length - 1]! : openers.pop()!;
    } else if (op === LOCAL_SET || op === LOCAL_TEE) {
      const list = written.get(imms[i]!);
      if (list) list.push(i);
      else written.set(imms[i]!, [i]);
    }
  }
  if (openers.length !== 0 || n < 3 || frameOf[n - 1] !== 0) return undefined;
  const ifIndex = frameOf[n - 2]!;
  if (ifIndex < 0 || ops[ifIndex] !== IF || types[ifIndex] !== EMPTY || depthAt[ifIndex] !== 1) return undefined;
  const brIndex = n - 3;
  if (ops[brIndex] !== BR || imms[brIndex] !== 1 || depthAt[brIndex] !== 2) return undefined;
  // no else of the main if; every branch but the back edge lands strictly inside the loop's if or HEAD's blocks
  const frameStack: number[] = [];
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    if (op === ELSE && frameOf[i] === ifIndex) return undefined;
    if (op === 0x02 || op === LOOP || op === IF) frameStack.push(i);
    else if (op === END) frameStack.pop();
    if (i === brIndex) continue;
    if (op === BR || op === 0x0d) {
      if (!landsInside(frameStack, imms[i]!, ifIndex)) return undefined;
    } else if (op === 0x0e) {
      for (const depth of targets.get(i)!) if (!landsInside(frameStack, depth, ifIndex)) return undefined;
    }
  }

  // HEAD is code[1 .. ifIndex): its end computes the condition
  let cmpIndex = ifIndex - 1;
  if (ops[cmpIndex] === END) {
    // `x y cmp if (result i32) X else i32.const 0 end`: the condition implies the comparison
    const innerIf = frameOf[cmpIndex]!;
    if (innerIf < 0 || ops[innerIf] !== IF || types[innerIf] !== I32 || depthAt[innerIf] !== 1) return undefined;
    const elseIndex = cmpIndex - 2;
    if (elseIndex < 0 || ops[elseIndex] !== ELSE || frameOf[elseIndex] !== innerIf) return undefined;
    if (ops[cmpIndex - 1] !== I32_CONST || imms[cmpIndex - 1] !== 0) return undefined;
    cmpIndex = innerIf - 1;
  }
  const comparison = cmpIndex >= 0 ? COMPARISONS[ops[cmpIndex]!] : undefined;
  if (!comparison || cmpIndex < 3) return undefined;
  if (depthAt[cmpIndex - 2] !== 1 || depthAt[cmpIndex] !== 1) return undefined;
  const operand = (i: number): LoopOperand | undefined =>
    ops[i] === I32_CONST
      ? { kind: 'const', value: imms[i]! }
      : ops[i] === LOCAL_GET
        ? { kind: 'local', index: imms[i]! }
        : undefined;
  const x = operand(cmpIndex - 2);
  const y = operand(cmpIndex - 1);
  if (!x || !y) return undefined;
  const writes = (o: LoopOperand) => (o.kind === 'local' ? (written.get(o.index)?.length ?? 0) : 0);
  let induction: number;
  let bound: LoopOperand;
  let relation = comparison.relation;
  if (x.kind === 'local' && writes(x) === 1 && writes(y) === 0) {
    induction = x.index;
    bound = y;
  } else if (y.kind === 'local' && writes(y) === 1 && writes(x) === 0) {
    induction = y.index;
    bound = x;
    relation = FLIPPED[relation];
  } else {
    return undefined;
  }

  // the one write of i: at BODY's top level, `i + k`, `k + i`, `i - k`, `i + s`, `s + i` right before it
  const setIndex = written.get(induction)![0]!;
  if (setIndex <= ifIndex || setIndex >= brIndex || depthAt[setIndex] !== 2 || setIndex < 3) return undefined;
  const a = setIndex - 3;
  const b = setIndex - 2;
  const arith = ops[setIndex - 1];
  const isI = (i: number) => ops[i] === LOCAL_GET && imms[i] === induction;
  let step: LoopOperand | undefined;
  if (arith === I32_ADD) {
    const other = isI(a) ? b : isI(b) ? a : undefined;
    const o = other !== undefined && !isI(other) ? operand(other) : undefined;
    if (o && writes(o) === 0) step = o;
  } else if (arith === I32_SUB && isI(a) && ops[b] === I32_CONST && imms[b] !== -(2 ** 31)) {
    step = { kind: 'const', value: -imms[b]! };
  }
  if (!step) return undefined;
  const up = relation === 'lt' || relation === 'le';
  if (step.kind === 'const' && (step.value === 0 || step.value > 0 !== up)) return undefined;
  if (step.kind === 'local' && (!up || step.index === induction)) return undefined;
  return { induction, relation, unsigned: comparison.unsigned, bound, step };
}

/** Whether a branch `depth` labels out, from inside `frames` (opener indices), lands strictly inside. */
function landsInside(frames: readonly number[], depth: number, ifIndex: number): boolean {
  const target = frames.length - 1 - depth;
  if (target < 1) return false; // the loop itself or beyond
  const opener = frames[target]!;
  return opener !== ifIndex;
}

/**
 * Decodes the instructions of `[at, end)` into `decoded`, with the immediates the matcher reads; returns their
 * count, or -1 on anything unexpected (or more instructions than the arrays hold).
 */
function decode(bytes: Uint8Array, at: number, end: number): number {
  const { ops, imms, types, targets } = decoded;
  targets.clear();
  const r = new ByteReader(bytes, at, end);
  let n = 0;
  while (r.pos < end) {
    if (n === ops.length) return -1;
    const op = r.byte();
    let imm = 0;
    let type = 0;
    const info = op === 0xfc ? MISC_OPCODES[r.u32()] : OPCODES[op];
    if (!info) return -1;
    switch (info.imm) {
      case 'block': {
        const first = bytes[r.pos]!;
        if (first === EMPTY || (first >= 0x60 && first <= 0x7f)) {
          type = first;
          r.pos++;
        } else {
          r.s33();
          type = -1; // a type index: never one of the shapes matched
        }
        break;
      }
      case 'label':
      case 'local':
      case 'global':
      case 'func':
      case 'table':
      case 'data':
      case 'elem':
      case 'memory':
        imm = r.u32();
        break;
      case 'brTable': {
        const depths: number[] = [];
        for (let count = r.u32(), i = 0; i <= count; i++) depths.push(r.u32());
        targets.set(n, depths);
        break;
      }
      case 'callIndirect':
      case 'memoryMemory':
      case 'dataMemory':
      case 'elemTable':
      case 'tableTable':
        r.u32();
        r.u32();
        break;
      case 'memarg':
        r.u32();
        r.skipLeb();
        break;
      case 'i32':
        imm = r.s33(); // a valid i32 LEB: the same value
        break;
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
        r.skip(r.u32());
        break;
      case 'none':
        break;
    }
    ops[n] = op;
    imms[n] = imm;
    types[n] = type;
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// Code: the dispatch before the loop, the settlement after its fast copy

/** Locals the written code uses, in the output's numbering. */
export type VersionLocals = {
  /** The gas counter. */
  readonly gas: number;
  /** i64 scratch: the induction variable's value at entry, widened. */
  readonly start: number;
  /** i64 scratch: the distance to the bound, then the trip count bound T. */
  readonly trips: number;
  /** Maps an original local index to the output's. */
  readonly local: (index: number) => number;
};

const OP = Object.freeze({
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i64Const: 0x42,
  i32GtS: 0x4a,
  i64GtS: 0x55,
  i64LeS: 0x57,
  i64GeS: 0x59,
  i32And: 0x71,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64DivU: 0x80,
  i64ExtendI32S: 0xac,
  i64ExtendI32U: 0xad,
});

/**
 * Pushes an i32: 1 if the fast copy may run (the step is positive, i cannot wrap within T iterations, and the
 * counter covers T * W), else 0. Leaves i's widened value in `start` for the settlement. Values, all i64:
 * a = i, b = bound, u = |step|; d = b - a upward, a - b downward; T = d > 0 ? ceil(d / u) : 0 for < and >,
 * d >= 0 ? floor(d / u) + 1 : 0 for <= and >=; the last value of i, a +- T * u, must stay in i32's range
 * (signed or unsigned, as the comparison).
 */
export function writeDispatch(w: ByteWriter, loop: VersionedLoop, locals: VersionLocals): void {
  const up = loop.relation === 'lt' || loop.relation === 'le';
  const strict = loop.relation === 'lt' || loop.relation === 'gt';
  const extend = loop.unsigned ? OP.i64ExtendI32U : OP.i64ExtendI32S;
  const stepLocal = loop.step.kind === 'local' ? locals.local(loop.step.index) : -1;
  const unitStep = loop.step.kind === 'const' && Math.abs(loop.step.value) === 1;
  const pushStep = () => {
    if (loop.step.kind === 'const') w.byte(OP.i64Const).sleb(Math.abs(loop.step.value));
    else w.byte(OP.localGet).u32(stepLocal).byte(OP.i64ExtendI32S);
  };
  const pushBound = () => {
    if (loop.bound.kind === 'const') {
      w.byte(OP.i64Const).sleb(loop.unsigned ? loop.bound.value >>> 0 : loop.bound.value);
    } else {
      w.byte(OP.localGet).u32(locals.local(loop.bound.index)).byte(extend);
    }
  };
  if (stepLocal >= 0) {
    // a step read from a local must be positive (a count up), or the loop takes its checked copy
    w.byte(OP.localGet).u32(stepLocal).byte(OP.i32Const).byte(0).byte(OP.i32GtS);
    w.byte(OP.if).byte(0x7f);
  }
  // a = i (widened), d = the distance in the loop's direction
  w.byte(OP.localGet).u32(locals.local(loop.induction)).byte(extend).byte(OP.localSet).u32(locals.start);
  pushDistance(w, up, locals.start, pushBound);
  w.byte(OP.localSet).u32(locals.trips);
  // T = select(q, 0, d > 0 or d >= 0), q = ceil(d / u) (strict) or floor(d / u) + 1
  w.byte(OP.localGet).u32(locals.trips);
  if (strict) {
    if (!unitStep) {
      pushStep();
      w.byte(OP.i64Const).byte(1).byte(OP.i64Sub).byte(OP.i64Add);
      pushStep();
      w.byte(OP.i64DivU);
    }
  } else {
    if (!unitStep) {
      pushStep();
      w.byte(OP.i64DivU);
    }
    w.byte(OP.i64Const).byte(1).byte(OP.i64Add);
  }
  w.byte(OP.i64Const).byte(0);
  w.byte(OP.localGet)
    .u32(locals.trips)
    .byte(OP.i64Const)
    .byte(0)
    .byte(strict ? OP.i64GtS : OP.i64GeS);
  w.byte(OP.select).byte(OP.localSet).u32(locals.trips);
  // the last value of i stays in range: a + T * u <= max (up), a - T * u >= min (down)
  w.byte(OP.localGet).u32(locals.start).byte(OP.localGet).u32(locals.trips);
  if (!unitStep) {
    pushStep();
    w.byte(OP.i64Mul);
  }
  if (up) {
    w.byte(OP.i64Add)
      .byte(OP.i64Const)
      .sleb(loop.unsigned ? 0xffff_ffff : 0x7fff_ffff)
      .byte(OP.i64LeS);
  } else {
    w.byte(OP.i64Sub)
      .byte(OP.i64Const)
      .sleb(loop.unsigned ? 0 : -0x8000_0000)
      .byte(OP.i64GeS);
  }
  // and the counter covers T iterations of W at most
  w.byte(OP.localGet).u32(locals.gas).byte(OP.localGet).u32(locals.trips);
  w.byte(OP.i64Const).sleb(loop.perIterationBound).byte(OP.i64Mul).byte(OP.i64GeS);
  w.byte(OP.i32And);
  if (stepLocal >= 0) w.byte(OP.else).byte(OP.i32Const).byte(0).byte(OP.end);
}

/**
 * After the fast copy: charge H for each time the loop's first segment ran, t + 1 with t = |i - a| / u the
 * iterations that continued (exact: i moved by u each time and did not wrap) and one more for the head that left.
 */
export function writeSettle(w: ByteWriter, loop: VersionedLoop, locals: VersionLocals): void {
  const up = loop.relation === 'lt' || loop.relation === 'le';
  const extend = loop.unsigned ? OP.i64ExtendI32U : OP.i64ExtendI32S;
  const pushI = () => w.byte(OP.localGet).u32(locals.local(loop.induction)).byte(extend);
  w.byte(OP.localGet).u32(locals.gas);
  pushDistance(w, up, locals.start, pushI);
  if (loop.step.kind === 'local') {
    w.byte(OP.localGet).u32(locals.local(loop.step.index)).byte(OP.i64ExtendI32S).byte(OP.i64DivU);
  } else if (Math.abs(loop.step.value) !== 1) {
    w.byte(OP.i64Const).sleb(Math.abs(loop.step.value)).byte(OP.i64DivU);
  }
  // t iterations continued, and the head ran once more to leave: t + 1 first segments
  w.byte(OP.i64Const).byte(1).byte(OP.i64Add);
  w.byte(OP.i64Const).sleb(loop.perIterationCharge).byte(OP.i64Mul).byte(OP.i64Sub).byte(OP.localSet).u32(locals.gas);
}

/**
 * Pushes (i64) how far the value `pushOther` pushes lies from the `start` local in the loop's direction: other -
 * start for a loop counting up, start - other for one counting down.
 */
function pushDistance(w: ByteWriter, up: boolean, start: number, pushOther: () => void): void {
  if (up) {
    pushOther();
    w.byte(OP.localGet).u32(start).byte(OP.i64Sub);
  } else {
    w.byte(OP.localGet).u32(start);
    pushOther();
    w.byte(OP.i64Sub);
  }
}
