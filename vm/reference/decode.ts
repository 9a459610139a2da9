/**
 * The reference oracle's own wasm decoder: binary module to a pre-decoded form the interpreter runs (instructions
 * with resolved block ends and else arms). Independent of metering/'s decoder and opcode table on purpose, so the
 * oracle cannot share a mistake with the code it checks. Covers the deterministic integer subset of wasm 2.0
 * (i32/i64 only, one memory, one funcref table, function imports only); anything else throws `Unsupported`.
 * @module
 */

export type ValType = 'i32' | 'i64';

export type FuncType = { readonly params: readonly ValType[]; readonly results: readonly ValType[] };

/** One decoded instruction. `a`, `b`, `c` are immediates whose meaning depends on `op` (see `decodeBody`). */
export type Instr = {
  /** Opcode; 0xFC-prefixed ones are stored as 0xFC00 + sub-opcode. */
  readonly op: number;
  /** block/loop/if: params; br/br_if: depth; local/global/call index; memarg offset; memory.init segment. */
  a: number;
  /** block/loop/if: results; call_indirect: type index. */
  b: number;
  /** block/loop/if/else: index of the matching `end`; if: `d` is the index of its `else` (or -1). */
  c: number;
  d: number;
  /** i32.const value (as a number) or i64.const value. */
  value?: number | bigint;
  /** br_table: targets, default last. */
  targets?: number[];
};

export type FuncBody = {
  readonly typeIndex: number;
  readonly type: FuncType;
  readonly locals: readonly ValType[];
  readonly code: readonly Instr[];
};

export type GlobalDef = { readonly type: ValType; readonly mutable: boolean; readonly init: number | bigint };

export type DataSegment = { readonly offset: number | undefined; readonly bytes: Uint8Array };

export type ElemSegment = { readonly offset: number; readonly funcs: readonly number[] };

export type FuncImport = { readonly module: string; readonly name: string; readonly type: FuncType };

export type RefModule = {
  readonly types: readonly FuncType[];
  /** Imported functions: the first indices of the function index space. */
  readonly imports: readonly FuncImport[];
  /** Defined functions, from index `imports.length` on. */
  readonly funcs: readonly FuncBody[];
  readonly table: { readonly min: number; readonly max: number | undefined } | undefined;
  readonly memory: { readonly min: number; readonly max: number | undefined } | undefined;
  readonly globals: readonly GlobalDef[];
  readonly exports: ReadonlyMap<string, { readonly kind: number; readonly index: number }>;
  readonly elems: readonly ElemSegment[];
  readonly datas: readonly DataSegment[];
};

export class Unsupported extends Error {}

class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end = bytes.length,
  ) {}
  byte(): number {
    if (this.pos >= this.end) throw new Unsupported('truncated');
    return this.bytes[this.pos++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  /** Signed LEB of up to `bits` bits, as a bigint. */
  sleb(bits: number): bigint {
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    if (b & 0x40) result -= 1n << shift;
    return BigInt.asIntN(bits, result);
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.end) throw new Unsupported('truncated');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  name(): string {
    return new TextDecoder().decode(this.take(this.u32()));
  }
}

function valtype(b: number): ValType {
  if (b === 0x7f) return 'i32';
  if (b === 0x7e) return 'i64';
  throw new Unsupported(`value type 0x${b.toString(16)}`);
}

function constExpr(r: Reader, globals: readonly GlobalDef[]): number | bigint {
  const op = r.byte();
  let value: number | bigint;
  if (op === 0x41) value = Number(r.sleb(32));
  else if (op === 0x42) value = r.sleb(64);
  else if (op === 0x23) {
    const g = globals[r.u32()];
    if (!g) throw new Unsupported('global.get of an unknown global in a constant expression');
    value = g.init;
  } else throw new Unsupported(`constant expression opcode 0x${op.toString(16)}`);
  if (r.byte() !== 0x0b) throw new Unsupported('extended constant expressions');
  return value;
}

export function decodeModule(bytes: Uint8Array): RefModule {
  const r = new Reader(bytes);
  const header = r.take(8);
  if (header[0] !== 0 || header[1] !== 0x61 || header[2] !== 0x73 || header[3] !== 0x6d || header[4] !== 1) {
    throw new Unsupported('not a wasm 1 binary');
  }
  const types: FuncType[] = [];
  const funcTypes: number[] = [];
  const funcs: FuncBody[] = [];
  const imports: FuncImport[] = [];
  const globals: GlobalDef[] = [];
  const exports = new Map<string, { kind: number; index: number }>();
  const elems: ElemSegment[] = [];
  const datas: DataSegment[] = [];
  let table: RefModule['table'];
  let memory: RefModule['memory'];
  const limits = (s: Reader) => {
    const flags = s.byte();
    if (flags > 1) throw new Unsupported('shared or 64-bit limits');
    const min = s.u32();
    return { min, max: flags & 1 ? s.u32() : undefined };
  };

  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const s = new Reader(bytes, r.pos + size);
    s.pos = r.pos;
    r.pos += size;
    switch (id) {
      case 0: // custom
      case 12: // data count
        break;
      case 1:
        for (let n = s.u32(), i = 0; i < n; i++) {
          if (s.byte() !== 0x60) throw new Unsupported('non-function type');
          const params = Array.from({ length: s.u32() }, () => valtype(s.byte()));
          const results = Array.from({ length: s.u32() }, () => valtype(s.byte()));
          types.push({ params, results });
        }
        break;
      case 2:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const module = s.name();
          const name = s.name();
          if (s.byte() !== 0) throw new Unsupported('imports other than functions');
          const type = types[s.u32()];
          if (!type) throw new Unsupported('import type index out of range');
          imports.push({ module, name, type });
        }
        break;
      case 3:
        for (let n = s.u32(), i = 0; i < n; i++) funcTypes.push(s.u32());
        break;
      case 4:
        for (let n = s.u32(), i = 0; i < n; i++) {
          if (i > 0 || s.byte() !== 0x70) throw new Unsupported('a table other than one funcref table');
          table = limits(s);
        }
        break;
      case 5:
        for (let n = s.u32(), i = 0; i < n; i++) {
          if (i > 0) throw new Unsupported('multiple memories');
          memory = limits(s);
        }
        break;
      case 6:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const type = valtype(s.byte());
          const mutable = s.byte() === 1;
          const init = constExpr(s, globals);
          globals.push({ type, mutable, init: type === 'i32' ? Number(init) | 0 : BigInt.asIntN(64, BigInt(init)) });
        }
        break;
      case 7:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const name = s.name();
          const kind = s.byte();
          exports.set(name, { kind, index: s.u32() });
        }
        break;
      case 8:
        throw new Unsupported('start function');
      case 9:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const flags = s.u32();
          if (flags === 0 || flags === 2) {
            if (flags === 2 && s.u32() !== 0) throw new Unsupported('table index');
            const offset = Number(constExpr(s, globals)) >>> 0;
            if (flags === 2 && s.byte() !== 0) throw new Unsupported('element kind');
            const funcsOf = Array.from({ length: s.u32() }, () => s.u32());
            elems.push({ offset, funcs: funcsOf });
          } else if (flags === 1 || flags === 3) {
            s.byte();
            for (let m = s.u32(), j = 0; j < m; j++) s.u32(); // passive/declarative: never applied
          } else throw new Unsupported(`element segment flags ${flags}`);
        }
        break;
      case 10: {
        const n = s.u32();
        if (n !== funcTypes.length) throw new Unsupported('function and code counts differ');
        for (let i = 0; i < n; i++) {
          const size = s.u32();
          const end = s.pos + size;
          const body = new Reader(bytes, end);
          body.pos = s.pos;
          s.pos = end;
          const typeIndex = funcTypes[i]!;
          const type = types[typeIndex];
          if (!type) throw new Unsupported('function type index out of range');
          const locals: ValType[] = [];
          for (let groups = body.u32(), g = 0; g < groups; g++) {
            const count = body.u32();
            const t = valtype(body.byte());
            for (let k = 0; k < count; k++) locals.push(t);
          }
          funcs.push({ typeIndex, type, locals, code: decodeBody(body, types) });
        }
        break;
      }
      case 11:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const flags = s.u32();
          let offset: number | undefined;
          if (flags === 0 || flags === 2) {
            if (flags === 2 && s.u32() !== 0) throw new Unsupported('memory index');
            offset = Number(constExpr(s, globals)) >>> 0;
          } else if (flags !== 1) throw new Unsupported(`data segment flags ${flags}`);
          datas.push({ offset, bytes: s.take(s.u32()) });
        }
        break;
      default:
        throw new Unsupported(`section ${id}`);
    }
  }
  if (funcTypes.length !== funcs.length) throw new Unsupported('function section without code');
  return { types, imports, funcs, table, memory, globals, exports, elems, datas };
}

/** Block type immediate to (params, results). */
function blockType(r: Reader, types: readonly FuncType[]): FuncType {
  const first = r.bytes[r.pos];
  if (first === 0x40) {
    r.pos++;
    return { params: [], results: [] };
  }
  if (first === 0x7f || first === 0x7e) {
    r.pos++;
    return { params: [], results: [valtype(first)] };
  }
  const index = Number(r.sleb(33));
  const type = types[index];
  if (!type) throw new Unsupported('block type index');
  return type;
}

const instr = (op: number, a = 0, b = 0): Instr => ({ op, a, b, c: -1, d: -1 });

/**
 * Decodes a function body; `end`/`else` matching is resolved with an explicit stack (no recursion). Immediates:
 * block/loop/if a=params b=results c=end d=else; br/br_if a=depth; br_table targets; call a=function;
 * call_indirect a=type; local/global a=index; loads/stores a=offset; memory.init a=segment; consts value.
 */
function decodeBody(r: Reader, types: readonly FuncType[]): Instr[] {
  const code: Instr[] = [];
  const open: number[] = [];
  while (r.pos < r.end) {
    const op = r.byte();
    let ins: Instr;
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      const bt = blockType(r, types);
      ins = instr(op, bt.params.length, bt.results.length);
      open.push(code.length);
    } else if (op === 0x05) {
      const owner = code[open[open.length - 1]!];
      if (owner?.op !== 0x04) throw new Unsupported('else outside if');
      owner!.d = code.length;
      ins = instr(op);
    } else if (op === 0x0b) {
      const start = open.pop();
      if (start !== undefined) {
        const owner = code[start]!;
        owner.c = code.length;
        if (owner.d >= 0) code[owner.d]!.c = code.length; // an `else` jumps to its if's end
      }
      ins = instr(op);
    } else if (op === 0x0c || op === 0x0d) {
      ins = instr(op, r.u32());
    } else if (op === 0x0e) {
      ins = instr(op);
      ins.targets = Array.from({ length: r.u32() + 1 }, () => r.u32());
    } else if (op === 0x10) {
      ins = instr(op, r.u32());
    } else if (op === 0x11) {
      ins = instr(op, r.u32());
      if (r.u32() !== 0) throw new Unsupported('table index');
    } else if (op === 0x1c) {
      for (let n = r.u32(), i = 0; i < n; i++) valtype(r.byte());
      ins = instr(0x1b);
    } else if (op >= 0x20 && op <= 0x24) {
      ins = instr(op, r.u32());
    } else if (op >= 0x28 && op <= 0x3e) {
      if (op >= 0x2a && op <= 0x2b) throw new Unsupported('float load');
      if (op >= 0x38 && op <= 0x39) throw new Unsupported('float store');
      r.u32(); // alignment hint
      ins = instr(op, r.u32());
    } else if (op === 0x3f || op === 0x40) {
      if (r.byte() !== 0) throw new Unsupported('memory index');
      ins = instr(op);
    } else if (op === 0x41) {
      ins = instr(op);
      ins.value = Number(r.sleb(32));
    } else if (op === 0x42) {
      ins = instr(op);
      ins.value = r.sleb(64);
    } else if (op === 0xfc) {
      const sub = r.u32();
      if (sub === 8) {
        ins = instr(0xfc00 + sub, r.u32());
        if (r.byte() !== 0) throw new Unsupported('memory index');
      } else if (sub === 9) {
        ins = instr(0xfc00 + sub, r.u32());
      } else if (sub === 10) {
        if (r.byte() !== 0 || r.byte() !== 0) throw new Unsupported('memory index');
        ins = instr(0xfc00 + sub);
      } else if (sub === 11) {
        if (r.byte() !== 0) throw new Unsupported('memory index');
        ins = instr(0xfc00 + sub);
      } else throw new Unsupported(`instruction 0xFC ${sub}`);
    } else if (
      op === 0x00 ||
      op === 0x01 ||
      op === 0x0f ||
      op === 0x1a ||
      op === 0x1b ||
      (op >= 0x45 && op <= 0x5a) ||
      (op >= 0x67 && op <= 0x8a) ||
      op === 0xa7 ||
      op === 0xac ||
      op === 0xad ||
      (op >= 0xc0 && op <= 0xc4)
    ) {
      ins = instr(op);
    } else throw new Unsupported(`instruction 0x${op.toString(16)}`);
    code.push(ins);
  }
  if (open.length !== 0 || code[code.length - 1]?.op !== 0x0b) throw new Unsupported('body does not end with end');
  return code;
}
