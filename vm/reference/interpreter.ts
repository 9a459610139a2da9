/**
 * A small reference interpreter of the deterministic integer subset of wasm (i32/i64, one memory, one funcref
 * table, function imports), written from the spec, independent of V8 and of metering/. Two uses:
 * - the metering oracle (test/wasmRef) runs ORIGINAL modules with a gas model (`gas`: a weight per executed
 *   instruction, a rate per grown page and per bulk-memory byte, charged before the instruction runs) and SPEC.md's
 *   stack limit, to check that instrumented code charges exactly that figure;
 * - the reference engine (./engine.ts) runs INSTRUMENTED contracts with no gas model of its own (the injected code
 *   counts), as a second executor beside V8 for differential tests.
 * Calls use an explicit frame stack (no JS recursion per wasm call); depth past `maxCallDepth` and runs past
 * `maxSteps` end as traps with their own reason. Trap reasons use the spec tests' wording.
 * @module
 */
import type { FuncBody, FuncType, Instr, RefModule, ValType } from './decode.js';

/** i32 values are signed JS numbers, i64 values signed bigints (as V8's JS API returns them). */
export type RefValue = number | bigint;

export type RefOutcome =
  | { readonly kind: 'return'; readonly values: RefValue[] }
  | { readonly kind: 'trap'; readonly reason: string };

export type RefRun = RefOutcome & {
  /** Gas used by the instructions executed (with dynamic costs), up to the return or trap. */
  readonly gas: bigint;
  /** The memory after the run (undefined if the module has none). */
  readonly memory: Uint8Array | undefined;
  /** Every global's value after the run, by global index. */
  readonly globals: readonly RefValue[];
  /** Instructions executed. */
  readonly steps: number;
};

export type RefOptions = {
  /** Wasm call depth (frames) past which the run traps with reason 'call depth'. Default 10,000. */
  readonly maxCallDepth?: number;
  /** Instructions after which the run stops with reason 'steps'. Default 20,000,000. */
  readonly maxSteps?: number;
  /** Page cap applied on top of the memory's own maximum (SPEC.md clamps to maxMemoryPages). Default 65,536. */
  readonly memoryCapPages?: number;
  /**
   * Host functions by module and name, for the module's function imports: called with the arguments and a `charge`
   * callback (gas the host function uses, added to the run's gas as SPEC.md counts it); returns the results.
   */
  readonly imports?: Readonly<Record<string, Readonly<Record<string, HostFunction>>>>;
  /**
   * SPEC.md's stack limit: each defined function adds its frame cost (./stackHeight.ts, plus `extraUnitsPerFrame`)
   * at entry and gives it back at exit; past `maxUnits` the run traps with reason 'stack limit'.
   */
  readonly stackLimit?: {
    readonly maxUnits: number;
    readonly extraUnitsPerFrame?: number;
    /** A defined function's frame cost in stack units. */
    readonly frameCost: (module: RefModule, definedIndex: number) => number;
  };
  /** Gas counted per executed instruction; without it the run counts no gas (`gas` stays 0). */
  readonly gas?: ReferenceGasModel;
  /** When given, counts executions per opcode (0xFC-prefixed: 0xFC00 + sub-opcode), for coverage checks. */
  readonly profile?: Map<number, number>;
};

/** What a run charges: SPEC.md's weights, as the caller's own table. */
export type ReferenceGasModel = {
  readonly weightOf: (opcode: number) => number;
  readonly memoryGrowPerPage: number;
  /** Per page of the memory's size before a memory.grow (schedule 3); absent means 0. */
  readonly memoryGrowPerCurrentPage?: number;
  readonly bulkPerByte: number;
};

export type HostFunction = (args: RefValue[], charge: (gas: number) => void) => RefValue[];

const PAGE = 65_536;
const I64_MIN = -(1n << 63n);

/** A wasm trap inside the interpreter; its message is the reason. */
export class ReferenceTrap extends Error {}

type Label = { arity: number; height: number; target: number; loop: boolean };

type Frame = {
  fn: FuncBody;
  /** Index among the defined functions. */
  defined: number;
  code: readonly Instr[];
  pc: number;
  locals: RefValue[];
  /** Operand-stack height at entry, after the arguments were taken. */
  base: number;
  labels: Label[];
};

function cachedWeights(weightOf: (opcode: number) => number): (opcode: number) => number {
  const byOpcode = new Map<number, number>();
  return (opcode) => {
    let weight = byOpcode.get(opcode);
    if (weight === undefined) {
      weight = weightOf(opcode);
      byOpcode.set(opcode, weight);
    }
    return weight;
  };
}

const zero = (t: ValType): RefValue => (t === 'i32' ? 0 : 0n);
const sameType = (x: FuncType, y: FuncType) =>
  x.params.length === y.params.length &&
  x.results.length === y.results.length &&
  x.params.every((t, i) => t === y.params[i]) &&
  x.results.every((t, i) => t === y.results[i]);

/** One instance of a decoded module: memory, globals and table live across calls. */
export class ReferenceMachine {
  /** Gas of executed instructions: small weights, at most maxSteps of them, exact as a double. */
  gas = 0;
  /** Dynamic charges (memory.grow, bulk memory, host functions), which can pass 2^53: exact as a bigint. */
  dynamicGas = 0n;
  steps = 0;
  readonly stack: RefValue[] = [];
  readonly globals: RefValue[];
  readonly table: (number | null)[];
  readonly datas: (Uint8Array | undefined)[];
  mem: Uint8Array;
  view: DataView;
  readonly maxPages: number;
  readonly maxCallDepth: number;
  readonly maxSteps: number;
  readonly profile: Map<number, number> | undefined;
  readonly hosts: HostFunction[];
  readonly frameCosts = new Map<number, number>();
  stackUnits = 0;
  readonly weightOf: (opcode: number) => number;
  readonly growPerPage: number;
  readonly growPerCurrentPage: number;
  readonly bulkPerByte: number;

  constructor(
    readonly module: RefModule,
    readonly options: RefOptions,
  ) {
    this.maxCallDepth = options.maxCallDepth ?? 10_000;
    this.maxSteps = options.maxSteps ?? 20_000_000;
    this.profile = options.profile;
    const gas = options.gas;
    this.weightOf = gas ? cachedWeights(gas.weightOf) : () => 0;
    this.growPerPage = gas?.memoryGrowPerPage ?? 0;
    this.growPerCurrentPage = gas?.memoryGrowPerCurrentPage ?? 0;
    this.bulkPerByte = gas?.bulkPerByte ?? 0;
    this.hosts = module.imports.map((imp) => {
      const fn = options.imports?.[imp.module]?.[imp.name];
      if (!fn) throw new Error(`no host function for import ${imp.module}.${imp.name}`);
      return fn;
    });
    this.globals = module.globals.map((g) => g.init);
    this.table = new Array(module.table?.min ?? 0).fill(null);
    this.datas = module.datas.map((d) => d.bytes);
    const mem = module.memory;
    this.maxPages = Math.min(mem?.max ?? 65_536, options.memoryCapPages ?? 65_536);
    this.mem = new Uint8Array((mem?.min ?? 0) * PAGE);
    this.view = new DataView(this.mem.buffer);
  }

  run(name: string, args: readonly RefValue[]): RefRun {
    const finish = (outcome: RefOutcome): RefRun => ({
      ...outcome,
      gas: BigInt(this.gas) + this.dynamicGas,
      memory: this.module.memory ? this.mem : undefined,
      globals: [...this.globals],
      steps: this.steps,
    });
    try {
      this.instantiate();
      const exp = this.module.exports.get(name);
      if (exp?.kind !== 0) throw new Error(`no exported function ${name}`);
      return finish({ kind: 'return', values: this.call(exp!.index, args) });
    } catch (error) {
      if (error instanceof ReferenceTrap) return finish({ kind: 'trap', reason: error.message });
      throw error;
    }
  }

  /**
   * Calls function `funcIndex` on this instance (after `instantiate()`), as an embedder's call of an export: traps
   * throw `ReferenceTrap`; errors thrown by host functions pass through unchanged.
   */
  invoke(funcIndex: number, args: readonly RefValue[]): RefValue[] {
    this.stack.length = 0;
    this.stackUnits = 0;
    return this.call(funcIndex, args);
  }

  instantiate(): void {
    for (const seg of this.module.elems) {
      if (seg.offset + seg.funcs.length > this.table.length) throw new ReferenceTrap('element segment out of bounds');
      seg.funcs.forEach((f, i) => {
        this.table[seg.offset + i] = f;
      });
    }
    this.module.datas.forEach((seg, i) => {
      if (seg.offset === undefined) return;
      if (seg.offset + seg.bytes.length > this.mem.length) throw new ReferenceTrap('data segment out of bounds');
      this.mem.set(seg.bytes, seg.offset);
      this.datas[i] = undefined; // active segments are dropped after instantiation
    });
  }

  frameCost(definedIndex: number): number {
    let cost = this.frameCosts.get(definedIndex);
    if (cost === undefined) {
      cost = this.options.stackLimit!.frameCost(this.module, definedIndex);
      this.frameCosts.set(definedIndex, cost);
    }
    return cost;
  }

  grow(delta: number): number {
    const pages = this.mem.length / PAGE;
    if (pages + delta > this.maxPages) return -1;
    const next = new Uint8Array((pages + delta) * PAGE);
    next.set(this.mem);
    this.mem = next;
    this.view = new DataView(next.buffer);
    return pages;
  }

  /** Effective address of an access of `width` bytes, or a trap. */
  addr(base: RefValue, offset: number, width: number): number {
    const ea = ((base as number) >>> 0) + offset;
    if (ea + width > this.mem.length) throw new ReferenceTrap('out of bounds memory access');
    return ea;
  }

  call(funcIndex: number, args: readonly RefValue[]): RefValue[] {
    const stack = this.stack;
    const frames: Frame[] = [];
    const nImports = this.module.imports.length;
    const enter = (index: number) => {
      if (index < nImports) {
        const n = this.module.imports[index]!.type.params.length;
        const hostArgs = stack.splice(stack.length - n, n);
        stack.push(
          ...this.hosts[index]!(hostArgs, (gas) => {
            this.dynamicGas += BigInt(gas);
          }),
        );
        return;
      }
      const fn = this.module.funcs[index - nImports];
      if (!fn) throw new Error(`function ${index} out of range`);
      if (frames.length >= this.maxCallDepth) throw new ReferenceTrap('call depth');
      const limit = this.options.stackLimit;
      if (limit) {
        this.stackUnits += this.frameCost(index - nImports) + (limit.extraUnitsPerFrame ?? 0);
        if (this.stackUnits > limit.maxUnits) throw new ReferenceTrap('stack limit');
      }
      const n = fn.type.params.length;
      const locals = stack.splice(stack.length - n, n);
      for (const t of fn.locals) locals.push(zero(t));
      frames.push({
        fn,
        defined: index - nImports,
        code: fn.code,
        pc: 0,
        locals,
        base: stack.length,
        labels: [{ arity: fn.type.results.length, height: stack.length, target: fn.code.length, loop: false }],
      });
    };
    stack.push(...args);
    enter(funcIndex);

    let frame = frames[frames.length - 1]!;
    /** Leaves the current function with its results; false once the outermost frame returned. */
    const leave = (): boolean => {
      const n = frame.fn.type.results.length;
      const results = stack.splice(stack.length - n, n);
      stack.length = frame.base;
      stack.push(...results);
      frames.pop();
      const limit = this.options.stackLimit;
      if (limit) this.stackUnits -= this.frameCost(frame.defined) + (limit.extraUnitsPerFrame ?? 0);
      if (frames.length === 0) return false;
      frame = frames[frames.length - 1]!;
      return true;
    };
    /** Branches to relative label `depth`; false once the outermost frame returned. */
    const branch = (depth: number): boolean => {
      const index = frame.labels.length - 1 - depth;
      if (index === 0) return leave();
      const label = frame.labels[index]!;
      const values = stack.splice(stack.length - label.arity, label.arity);
      stack.length = label.height;
      stack.push(...values);
      frame.labels.length = label.loop ? index + 1 : index;
      frame.pc = label.target;
      return true;
    };

    const weightOf = this.weightOf;
    const i32 = () => stack.pop() as number;
    const i64 = () => stack.pop() as bigint;

    for (;;) {
      const ins = frame.code[frame.pc]!;
      const op = ins.op;
      if (++this.steps > this.maxSteps) throw new ReferenceTrap('steps');
      this.gas += weightOf(op);
      if (this.profile) this.profile.set(op, (this.profile.get(op) ?? 0) + 1);
      frame.pc++;
      switch (op) {
        case 0x00:
          throw new ReferenceTrap('unreachable');
        case 0x01:
          break;
        case 0x02:
          frame.labels.push({ arity: ins.b, height: stack.length - ins.a, target: ins.c + 1, loop: false });
          break;
        case 0x03:
          frame.labels.push({ arity: ins.a, height: stack.length - ins.a, target: frame.pc, loop: true });
          break;
        case 0x04: {
          const cond = i32();
          frame.labels.push({ arity: ins.b, height: stack.length - ins.a, target: ins.c + 1, loop: false });
          if (cond === 0) frame.pc = ins.d >= 0 ? ins.d + 1 : ins.c;
          break;
        }
        case 0x05: // the then-arm ran into `else`: leave the if
          frame.labels.pop();
          frame.pc = ins.c + 1;
          break;
        case 0x0b:
          if (frame.labels.length === 1) {
            if (!leave()) return stack.splice(0);
          } else frame.labels.pop();
          break;
        case 0x0c:
          if (!branch(ins.a)) return stack.splice(0);
          break;
        case 0x0d:
          if (i32() !== 0 && !branch(ins.a)) return stack.splice(0);
          break;
        case 0x0e: {
          const targets = ins.targets!;
          const k = i32() >>> 0;
          if (!branch(targets[Math.min(k, targets.length - 1)]!)) return stack.splice(0);
          break;
        }
        case 0x0f:
          if (!leave()) return stack.splice(0);
          break;
        case 0x10:
          enter(ins.a);
          frame = frames[frames.length - 1]!;
          break;
        case 0x11: {
          const k = i32() >>> 0;
          if (k >= this.table.length) throw new ReferenceTrap('undefined element');
          const f = this.table[k];
          if (f === null || f === undefined) throw new ReferenceTrap('uninitialized element');
          const calleeType = f < nImports ? this.module.imports[f]!.type : this.module.funcs[f - nImports]!.type;
          if (!sameType(calleeType, this.module.types[ins.a]!)) {
            throw new ReferenceTrap('indirect call signature mismatch');
          }
          enter(f);
          frame = frames[frames.length - 1]!;
          break;
        }
        case 0x1a:
          stack.pop();
          break;
        case 0x1b: {
          const c = i32();
          const b = stack.pop()!;
          const a = stack.pop()!;
          stack.push(c !== 0 ? a : b);
          break;
        }
        case 0x20:
          stack.push(frame.locals[ins.a]!);
          break;
        case 0x21:
          frame.locals[ins.a] = stack.pop()!;
          break;
        case 0x22:
          frame.locals[ins.a] = stack[stack.length - 1]!;
          break;
        case 0x23:
          stack.push(this.globals[ins.a]!);
          break;
        case 0x24:
          this.globals[ins.a] = stack.pop()!;
          break;
        // Loads.
        case 0x28:
          stack.push(this.view.getInt32(this.addr(stack.pop()!, ins.a, 4), true));
          break;
        case 0x29:
          stack.push(this.view.getBigInt64(this.addr(stack.pop()!, ins.a, 8), true));
          break;
        case 0x2c:
          stack.push(this.view.getInt8(this.addr(stack.pop()!, ins.a, 1)));
          break;
        case 0x2d:
          stack.push(this.view.getUint8(this.addr(stack.pop()!, ins.a, 1)));
          break;
        case 0x2e:
          stack.push(this.view.getInt16(this.addr(stack.pop()!, ins.a, 2), true));
          break;
        case 0x2f:
          stack.push(this.view.getUint16(this.addr(stack.pop()!, ins.a, 2), true));
          break;
        case 0x30:
          stack.push(BigInt(this.view.getInt8(this.addr(stack.pop()!, ins.a, 1))));
          break;
        case 0x31:
          stack.push(BigInt(this.view.getUint8(this.addr(stack.pop()!, ins.a, 1))));
          break;
        case 0x32:
          stack.push(BigInt(this.view.getInt16(this.addr(stack.pop()!, ins.a, 2), true)));
          break;
        case 0x33:
          stack.push(BigInt(this.view.getUint16(this.addr(stack.pop()!, ins.a, 2), true)));
          break;
        case 0x34:
          stack.push(BigInt(this.view.getInt32(this.addr(stack.pop()!, ins.a, 4), true)));
          break;
        case 0x35:
          stack.push(BigInt(this.view.getUint32(this.addr(stack.pop()!, ins.a, 4), true)));
          break;
        // Stores (value on top, address below).
        case 0x36: {
          const v = i32();
          this.view.setInt32(this.addr(stack.pop()!, ins.a, 4), v, true);
          break;
        }
        case 0x37: {
          const v = i64();
          this.view.setBigInt64(this.addr(stack.pop()!, ins.a, 8), v, true);
          break;
        }
        case 0x3a: {
          const v = i32();
          this.view.setInt8(this.addr(stack.pop()!, ins.a, 1), v);
          break;
        }
        case 0x3b: {
          const v = i32();
          this.view.setInt16(this.addr(stack.pop()!, ins.a, 2), v, true);
          break;
        }
        case 0x3c: {
          const v = i64();
          this.view.setInt8(this.addr(stack.pop()!, ins.a, 1), Number(BigInt.asIntN(8, v)));
          break;
        }
        case 0x3d: {
          const v = i64();
          this.view.setInt16(this.addr(stack.pop()!, ins.a, 2), Number(BigInt.asIntN(16, v)), true);
          break;
        }
        case 0x3e: {
          const v = i64();
          this.view.setInt32(this.addr(stack.pop()!, ins.a, 4), Number(BigInt.asIntN(32, v)), true);
          break;
        }
        case 0x3f:
          stack.push(this.mem.length / PAGE);
          break;
        case 0x40: {
          const delta = i32() >>> 0;
          this.dynamicGas +=
            BigInt(this.growPerPage) * BigInt(delta) + BigInt(this.growPerCurrentPage) * BigInt(this.mem.length / PAGE);
          stack.push(this.grow(delta));
          break;
        }
        case 0x41:
        case 0x42:
          stack.push(ins.value!);
          break;
        default:
          if (op >= 0xfc00) this.bulk(ins);
          else if ((op >= 0x45 && op <= 0x4f) || (op >= 0x67 && op <= 0x78)) stack.push(i32op(op, stack));
          else if ((op >= 0x50 && op <= 0x5a) || (op >= 0x79 && op <= 0x8a)) stack.push(i64op(op, stack));
          else stack.push(convert(op, stack.pop()!));
      }
    }
  }

  bulk(ins: Instr): void {
    const stack = this.stack;
    const sub = ins.op - 0xfc00;
    if (sub === 9) {
      this.datas[ins.a] = undefined;
      return;
    }
    const n = (stack.pop() as number) >>> 0;
    const s = (stack.pop() as number) >>> 0; // memory.fill: the byte value
    const d = (stack.pop() as number) >>> 0;
    this.dynamicGas += BigInt(this.bulkPerByte) * BigInt(n);
    const size = this.mem.length;
    if (sub === 8) {
      const seg = this.datas[ins.a] ?? new Uint8Array(0);
      if (s + n > seg.length || d + n > size) throw new ReferenceTrap('out of bounds memory access');
      this.mem.set(seg.subarray(s, s + n), d);
    } else if (sub === 10) {
      if (s + n > size || d + n > size) throw new ReferenceTrap('out of bounds memory access');
      this.mem.copyWithin(d, s, s + n);
    } else {
      if (d + n > size) throw new ReferenceTrap('out of bounds memory access');
      this.mem.fill(s & 0xff, d, d + n);
    }
  }
}

function popcount32(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v >>>= 1) n += v & 1;
  return n;
}

function i32op(op: number, stack: RefValue[]): number {
  if (op === 0x45) return (stack.pop() as number) === 0 ? 1 : 0;
  if (op >= 0x67 && op <= 0x69) {
    const a = stack.pop() as number;
    if (op === 0x67) return Math.clz32(a);
    if (op === 0x68) return a === 0 ? 32 : 31 - Math.clz32(a & -a);
    return popcount32(a);
  }
  const b = stack.pop() as number;
  const a = stack.pop() as number;
  const ua = a >>> 0;
  const ub = b >>> 0;
  switch (op) {
    case 0x46:
      return a === b ? 1 : 0;
    case 0x47:
      return a !== b ? 1 : 0;
    case 0x48:
      return a < b ? 1 : 0;
    case 0x49:
      return ua < ub ? 1 : 0;
    case 0x4a:
      return a > b ? 1 : 0;
    case 0x4b:
      return ua > ub ? 1 : 0;
    case 0x4c:
      return a <= b ? 1 : 0;
    case 0x4d:
      return ua <= ub ? 1 : 0;
    case 0x4e:
      return a >= b ? 1 : 0;
    case 0x4f:
      return ua >= ub ? 1 : 0;
    case 0x6a:
      return (a + b) | 0;
    case 0x6b:
      return (a - b) | 0;
    case 0x6c:
      return Math.imul(a, b);
    case 0x6d:
      if (b === 0) throw new ReferenceTrap('integer divide by zero');
      if (a === -0x80000000 && b === -1) throw new ReferenceTrap('integer overflow');
      return Math.trunc(a / b) | 0;
    case 0x6e:
      if (b === 0) throw new ReferenceTrap('integer divide by zero');
      return Math.trunc(ua / ub) | 0;
    case 0x6f:
      if (b === 0) throw new ReferenceTrap('integer divide by zero');
      return (a % b) | 0;
    case 0x70:
      if (b === 0) throw new ReferenceTrap('integer divide by zero');
      return (ua % ub) | 0;
    case 0x71:
      return a & b;
    case 0x72:
      return a | b;
    case 0x73:
      return a ^ b;
    case 0x74:
      return a << (b & 31);
    case 0x75:
      return a >> (b & 31);
    case 0x76:
      return (a >>> (b & 31)) | 0;
    case 0x77: {
      const k = b & 31;
      return k === 0 ? a : (a << k) | (a >>> (32 - k)) | 0;
    }
    case 0x78: {
      const k = b & 31;
      return k === 0 ? a : (a >>> k) | (a << (32 - k)) | 0;
    }
  }
  throw new Error(`i32 opcode 0x${op.toString(16)}`);
}

function i64op(op: number, stack: RefValue[]): RefValue {
  const u64 = (v: bigint) => BigInt.asUintN(64, v);
  const s64 = (v: bigint) => BigInt.asIntN(64, v);
  if (op === 0x50) return (stack.pop() as bigint) === 0n ? 1 : 0;
  if (op >= 0x79 && op <= 0x7b) {
    const u = u64(stack.pop() as bigint);
    if (op === 0x79) return u === 0n ? 64n : BigInt(64 - u.toString(2).length);
    if (op === 0x7a) {
      if (u === 0n) return 64n;
      let n = 0n;
      for (let v = u; (v & 1n) === 0n; v >>= 1n) n++;
      return n;
    }
    let n = 0n;
    for (const ch of u.toString(2)) if (ch === '1') n++;
    return n;
  }
  const b = stack.pop() as bigint;
  const a = stack.pop() as bigint;
  const ua = u64(a);
  const ub = u64(b);
  const k = ub & 63n;
  switch (op) {
    case 0x51:
      return a === b ? 1 : 0;
    case 0x52:
      return a !== b ? 1 : 0;
    case 0x53:
      return a < b ? 1 : 0;
    case 0x54:
      return ua < ub ? 1 : 0;
    case 0x55:
      return a > b ? 1 : 0;
    case 0x56:
      return ua > ub ? 1 : 0;
    case 0x57:
      return a <= b ? 1 : 0;
    case 0x58:
      return ua <= ub ? 1 : 0;
    case 0x59:
      return a >= b ? 1 : 0;
    case 0x5a:
      return ua >= ub ? 1 : 0;
    case 0x7c:
      return s64(a + b);
    case 0x7d:
      return s64(a - b);
    case 0x7e:
      return s64(a * b);
    case 0x7f:
      if (b === 0n) throw new ReferenceTrap('integer divide by zero');
      if (a === I64_MIN && b === -1n) throw new ReferenceTrap('integer overflow');
      return s64(a / b);
    case 0x80:
      if (b === 0n) throw new ReferenceTrap('integer divide by zero');
      return s64(ua / ub);
    case 0x81:
      if (b === 0n) throw new ReferenceTrap('integer divide by zero');
      return s64(a % b);
    case 0x82:
      if (b === 0n) throw new ReferenceTrap('integer divide by zero');
      return s64(ua % ub);
    case 0x83:
      return a & b;
    case 0x84:
      return a | b;
    case 0x85:
      return a ^ b;
    case 0x86:
      return s64(a << k);
    case 0x87:
      return a >> k;
    case 0x88:
      return s64(ua >> k);
    case 0x89:
      return k === 0n ? a : s64((ua << k) | (ua >> (64n - k)));
    case 0x8a:
      return k === 0n ? a : s64((ua >> k) | (ua << (64n - k)));
  }
  throw new Error(`i64 opcode 0x${op.toString(16)}`);
}

function convert(op: number, v: RefValue): RefValue {
  switch (op) {
    case 0xa7:
      return Number(BigInt.asIntN(32, v as bigint));
    case 0xac:
      return BigInt(v as number);
    case 0xad:
      return BigInt((v as number) >>> 0);
    case 0xc0:
      return ((v as number) << 24) >> 24;
    case 0xc1:
      return ((v as number) << 16) >> 16;
    case 0xc2:
      return BigInt.asIntN(8, v as bigint);
    case 0xc3:
      return BigInt.asIntN(16, v as bigint);
    case 0xc4:
      return BigInt.asIntN(32, v as bigint);
  }
  throw new Error(`opcode 0x${op.toString(16)}`);
}
