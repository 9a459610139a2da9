/**
 * Compiled contracts by code hash, bounded by code bytes (least recently used first out), each with a pool of
 * idle instances. Reusing an instance saves `new WebAssembly.Instance` (about 60 µs) per call, but only with a
 * reset that is exact: memory is restored from the image taken right after instantiation and every mutable global
 * is re-initialised by the contract's `__gasket_reset`; an instance whose memory grew is discarded. Modules with
 * passive data segments (`data.drop` cannot be undone) never reuse instances.
 * @module
 */
import { METERING_EXPORTS } from '../metering/index.js';
import { type EngineModule, v8Engine, type WasmEngine } from './engine.js';
import type { HostSlot, PooledInstance, WasmGlobal, WasmMemory } from './frame.js';

export type CompiledContract = {
  readonly key: string;
  readonly module: EngineModule;
  readonly bytes: number;
  readonly reusable: boolean;
  /** Exported functions that take no parameters: the callable methods (init and reserved names are filtered by the VM). */
  readonly methods: ReadonlySet<string>;
  /** The memory's initial size in 64 KiB pages, read from the code: what every call restores (gas per page). */
  readonly memoryPages: number;
  /**
   * Memory right after instantiation, the same for every instance of the module (zeros and active data segments):
   * taken from the first instance and shared, so a new instance costs no second copy of it.
   */
  image: Uint8Array | undefined;
  readonly idle: PooledInstance[];
};

export type ModuleCacheOptions = {
  /** Total code bytes kept compiled. Default 64 MiB. */
  maxBytes?: number;
  /** Idle instances kept per contract. Default 4. */
  maxIdlePerContract?: number;
  /** What compiles and runs the code. Default V8. */
  engine?: WasmEngine;
};

export type CacheStats = { hits: number; misses: number; instancesCreated: number; instancesReused: number };

export class ModuleCache {
  readonly #entries = new Map<string, CompiledContract>();
  readonly #maxBytes: number;
  readonly #maxIdle: number;
  readonly engine: WasmEngine;
  #bytes = 0;
  readonly stats: CacheStats = { hits: 0, misses: 0, instancesCreated: 0, instancesReused: 0 };

  constructor(options: ModuleCacheOptions = {}) {
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#maxIdle = options.maxIdlePerContract ?? 4;
    this.engine = options.engine ?? v8Engine;
  }

  /** The compiled contract for `codeHashHex`, compiling `loadCode()` on a miss. */
  get(codeHashHex: string, loadCode: () => Uint8Array): CompiledContract {
    const hit = this.#entries.get(codeHashHex);
    if (hit) {
      this.stats.hits++;
      // re-insert: Map order is the LRU order
      this.#entries.delete(codeHashHex);
      this.#entries.set(codeHashHex, hit);
      return hit;
    }
    this.stats.misses++;
    const code = loadCode();
    const module = this.engine.compile(code);
    const entry: CompiledContract = {
      key: codeHashHex,
      module,
      methods: new Set(module.functionExports),
      bytes: code.length,
      reusable: !hasPassiveDataSegment(code),
      memoryPages: initialMemoryPages(code),
      image: undefined,
      idle: [],
    };
    this.#entries.set(codeHashHex, entry);
    this.#bytes += entry.bytes;
    for (const [key, old] of this.#entries) {
      if (this.#bytes <= this.#maxBytes || key === codeHashHex) break;
      this.#entries.delete(key);
      this.#bytes -= old.bytes;
    }
    return entry;
  }

  /** An instance in the state of a fresh one: a reset idle instance, or a new one. */
  checkout(contract: CompiledContract, createImports: (slot: HostSlot) => WebAssembly.Imports): PooledInstance {
    while (contract.idle.length > 0) {
      const pooled = contract.idle.pop()!;
      if (!pooled.dirty) {
        this.stats.instancesReused++;
        return pooled;
      }
      if (pooled.memory.buffer.byteLength === pooled.image.length) {
        new Uint8Array(pooled.memory.buffer).set(pooled.image);
        pooled.reset();
        pooled.dirty = false;
        this.stats.instancesReused++;
        return pooled;
      }
      // memory grew: cannot be restored exactly; drop it
    }
    this.stats.instancesCreated++;
    const slot: HostSlot = { frame: undefined, instance: undefined, runtime: undefined };
    const instance = this.engine.instantiate(contract.module, createImports(slot));
    const exports = instance.exports;
    const memory = exports.memory as WasmMemory;
    const pooled: PooledInstance = {
      instance,
      memory,
      gas: exports[METERING_EXPORTS.gas] as WasmGlobal,
      stack: exports[METERING_EXPORTS.stack] as WasmGlobal,
      trap: exports[METERING_EXPORTS.trap] as WasmGlobal,
      reset: exports[METERING_EXPORTS.reset] as () => void,
      slot,
      image: contract.reusable ? (contract.image ??= new Uint8Array(memory.buffer).slice()) : new Uint8Array(),
      dirty: false,
    };
    slot.instance = pooled;
    // Write the image over the fresh memory: every page is then resident, as in a restored instance, so a new
    // instance costs what a restore costs (the per-page frame price), not a page fault per 4 KiB the contract
    // touches later.
    if (contract.reusable) new Uint8Array(memory.buffer).set(pooled.image);
    return pooled;
  }

  /** Returns an instance after a call; it is reset when next checked out. */
  release(contract: CompiledContract, pooled: PooledInstance): void {
    pooled.dirty = true;
    pooled.slot.frame = undefined;
    pooled.slot.runtime = undefined;
    if (contract.reusable && contract.idle.length < this.#maxIdle) contract.idle.push(pooled);
  }

  get size(): { contracts: number; bytes: number } {
    return { contracts: this.#entries.size, bytes: this.#bytes };
  }
}

/** A position in a (validated) module's bytes with a LEB128 u32 reader. */
class ByteCursor {
  constructor(
    readonly code: Uint8Array,
    public pos: number,
  ) {}

  u32(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.code[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  }
}

/** A cursor at the payload of the module's first section `id`, or undefined if it has none. */
function findSection(code: Uint8Array, id: number): ByteCursor | undefined {
  const cursor = new ByteCursor(code, 8);
  while (cursor.pos < code.length) {
    const sectionId = code[cursor.pos++]!;
    const size = cursor.u32();
    if (sectionId === id) return cursor;
    cursor.pos += size;
  }
  return undefined;
}

const SECTION_MEMORY = 5;
const SECTION_DATA = 11;

/** The initial page count of the module's (single, defined) memory; 0 if it has none. */
function initialMemoryPages(code: Uint8Array): number {
  const memory = findSection(code, SECTION_MEMORY);
  if (!memory || memory.u32() === 0) return 0;
  memory.u32(); // limits flags
  return memory.u32();
}

/**
 * Whether the module has a passive data segment: `data.drop` could then change what a later `memory.init` sees,
 * which a reset cannot undo. (Active segments are dropped at instantiation in every instance alike.)
 */
function hasPassiveDataSegment(code: Uint8Array): boolean {
  const data = findSection(code, SECTION_DATA);
  if (!data) return false;
  const skipConstExpr = () => {
    for (;;) {
      const opcode = code[data.pos++]!;
      if (opcode === 0x0b) return;
      if (opcode === 0x41 || opcode === 0x42 || opcode === 0x23) data.u32(); // LEB immediates (sign does not matter to skip)
    }
  };
  for (let n = data.u32(), i = 0; i < n; i++) {
    const flags = data.u32();
    if (flags === 1) return true;
    if (flags === 2) data.u32();
    skipConstExpr();
    data.pos += data.u32();
  }
  return false;
}
