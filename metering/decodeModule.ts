/**
 * Decodes the module-level structure of a wasm binary that V8 has already validated: section spans, types,
 * imports, function signatures, tables, memories, globals, exports, start, segment counts and code-body spans.
 * Function bodies are not decoded here (see analyzeFunction.ts); everything is iterative and linear in the size.
 * Spec: WebAssembly Core 2.0, section 5.5 (modules).
 * @module
 */
import { ByteReader } from './_bytes.js';
import { MeteringError } from './errors.js';

export type FuncType = { readonly params: readonly number[]; readonly results: readonly number[] };
export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';
export type Limits = { readonly flags: number; readonly min: number; readonly max: number | undefined };

export type Import = {
  readonly module: string;
  readonly field: string;
  readonly kind: ExternKind;
  /** For a function import: its type index. */
  readonly typeIndex?: number;
  readonly limits?: Limits;
  readonly valtype?: number;
  readonly offset: number;
};

export type Export = { readonly name: string; readonly kind: ExternKind; readonly index: number };
export type GlobalDecl = {
  readonly valtype: number;
  readonly mutable: boolean;
  readonly offset: number;
  /** Span of the initialiser expression, its final `end` excluded. */
  readonly initStart: number;
  readonly initEnd: number;
};
export type TableDecl = { readonly refType: number; readonly limits: Limits; readonly offset: number };
export type Section = {
  readonly id: number;
  readonly start: number;
  readonly payloadStart: number;
  readonly end: number;
};
export type CodeBody = { readonly start: number; readonly end: number };

export type DecodedModule = {
  readonly bytes: Uint8Array;
  readonly sections: readonly Section[];
  readonly types: readonly FuncType[];
  readonly imports: readonly Import[];
  readonly importedFunctions: number;
  readonly importedGlobals: number;
  /** Type index of each defined function. */
  readonly functionTypes: readonly number[];
  readonly tables: readonly TableDecl[];
  readonly memories: readonly (Limits & { offset: number })[];
  readonly globals: readonly GlobalDecl[];
  readonly exports: readonly Export[];
  readonly start: number | undefined;
  readonly elementSegments: number;
  readonly dataSegments: number;
  readonly hasTags: boolean;
  readonly customSections: readonly { name: string; section: Section }[];
  readonly codeBodies: readonly CodeBody[];
};

export const SECTION = Object.freeze({
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
});

const KINDS: readonly ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

export function decodeModule(bytes: Uint8Array): DecodedModule {
  const r = new ByteReader(bytes);
  if (bytes.length < 8 || r.u32fixed() !== 0x6d736100) throw new MeteringError('MALFORMED', 'not a wasm module');
  if (r.u32fixed() !== 1) throw new MeteringError('MALFORMED', 'unsupported wasm binary version');

  const sections: Section[] = [];
  const types: FuncType[] = [];
  const imports: Import[] = [];
  const functionTypes: number[] = [];
  const tables: TableDecl[] = [];
  const memories: (Limits & { offset: number })[] = [];
  const globals: GlobalDecl[] = [];
  const exports: Export[] = [];
  const customSections: { name: string; section: Section }[] = [];
  const codeBodies: CodeBody[] = [];
  let start: number | undefined;
  let elementSegments = 0;
  let dataSegments = 0;
  let hasTags = false;

  while (!r.done) {
    const sectionStart = r.pos;
    const id = r.byte();
    const size = r.u32();
    const payloadStart = r.pos;
    const end = payloadStart + size;
    if (end > bytes.length) throw new MeteringError('MALFORMED', 'section extends past the end of the module');
    const section: Section = { id, start: sectionStart, payloadStart, end };
    sections.push(section);
    const s = new ByteReader(bytes, payloadStart, end);
    switch (id) {
      case SECTION.custom:
        customSections.push({ name: s.name(), section });
        break;
      case SECTION.type:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const form = s.byte();
          if (form !== 0x60)
            throw new MeteringError('FEATURE', 'only function types are supported', {
              section: 'type',
              operation: `type form 0x${form.toString(16)}`,
            });
          const params = readValtypes(s);
          const results = readValtypes(s);
          types.push({ params, results });
        }
        break;
      case SECTION.import:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const offset = s.pos;
          const module = s.name();
          const field = s.name();
          const kindByte = s.byte();
          const kind = KINDS[kindByte];
          if (!kind) throw new MeteringError('MALFORMED', 'unknown import kind', { section: 'import', offset });
          if (kind === 'func') imports.push({ module, field, kind, typeIndex: s.u32(), offset });
          else if (kind === 'table') {
            const refType = s.byte();
            imports.push({ module, field, kind, valtype: refType, limits: readLimits(s), offset });
          } else if (kind === 'memory') imports.push({ module, field, kind, limits: readLimits(s), offset });
          else if (kind === 'global') {
            const valtype = s.byte();
            s.byte();
            imports.push({ module, field, kind, valtype, offset });
          } else {
            s.byte();
            s.u32();
            imports.push({ module, field, kind, offset });
          }
        }
        break;
      case SECTION.function:
        for (let n = s.u32(), i = 0; i < n; i++) functionTypes.push(s.u32());
        break;
      case SECTION.table:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const offset = s.pos;
          const refType = s.byte();
          tables.push({ refType, limits: readLimits(s), offset });
        }
        break;
      case SECTION.memory:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const offset = s.pos;
          // spelled out, not spread: V8 copies `{ ...limits }` on its slow generic path (a quarter of decodeModule)
          const limits = readLimits(s);
          memories.push({ flags: limits.flags, min: limits.min, max: limits.max, offset });
        }
        break;
      case SECTION.global:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const offset = s.pos;
          const valtype = s.byte();
          const mutable = s.byte() === 1;
          const initStart = s.pos;
          skipConstExpr(s);
          globals.push({ valtype, mutable, offset, initStart, initEnd: s.pos - 1 });
        }
        break;
      case SECTION.export:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const name = s.name();
          const kind = KINDS[s.byte()] ?? 'func';
          exports.push({ name, kind, index: s.u32() });
        }
        break;
      case SECTION.start:
        start = s.u32();
        break;
      case SECTION.element:
        elementSegments = s.u32();
        break;
      case SECTION.data:
        dataSegments = s.u32();
        break;
      case SECTION.tag:
        hasTags = true;
        break;
      case SECTION.code:
        for (let n = s.u32(), i = 0; i < n; i++) {
          const bodySize = s.u32();
          const bodyStart = s.pos;
          s.skip(bodySize);
          codeBodies.push({ start: bodyStart, end: bodyStart + bodySize });
        }
        break;
      default:
        // dataCount and anything V8 accepted that we do not need to look into
        break;
    }
    r.pos = end;
  }

  return {
    bytes,
    sections,
    types,
    imports,
    importedFunctions: imports.filter((i) => i.kind === 'func').length,
    importedGlobals: imports.filter((i) => i.kind === 'global').length,
    functionTypes,
    tables,
    memories,
    globals,
    exports,
    start,
    elementSegments,
    dataSegments,
    hasTags,
    customSections,
    codeBodies,
  };
}

function readValtypes(s: ByteReader): number[] {
  const n = s.u32();
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = s.byte();
  return out;
}

function readLimits(s: ByteReader): Limits {
  const flags = s.byte();
  if (flags & 0x04) {
    // memory64: sizes are u64; read past them without interpreting (the gate rejects the feature)
    s.skipLeb();
    if (flags & 0x01) s.skipLeb();
    return { flags, min: 0, max: undefined };
  }
  const min = s.u32();
  const max = flags & 0x01 ? s.u32() : undefined;
  return { flags, min, max };
}

/** Skips a constant expression (global and segment initialisers) up to and including its `end`. */
function skipConstExpr(s: ByteReader): void {
  for (;;) {
    const opcode = s.byte();
    switch (opcode) {
      case 0x0b:
        return;
      case 0x41:
      case 0x42:
        s.skipLeb();
        break;
      case 0x43:
        s.skip(4);
        break;
      case 0x44:
        s.skip(8);
        break;
      case 0x23:
      case 0xd2:
        s.u32();
        break;
      case 0xd0:
        s.skipLeb();
        break;
      case 0xfd:
        s.u32();
        s.skip(16);
        break;
      default:
        // extended-const arithmetic (i32/i64 add, sub, mul) has no immediates
        break;
    }
  }
}
