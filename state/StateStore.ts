/**
 * The Merkleized, versioned state store: a flat index of latest values for synchronous reads, a Jellyfish
 * Merkle tree (16-ary, versioned nodes; see _node.ts and _tree.ts) committing to every block's key/value set,
 * and an in-memory overlay with nested checkpoints for call frames and transactions.
 *
 * Read path (synchronous, for wasm host calls): overlay, then a bounded LRU of committed values, then LevelDB
 * `getSync` on the flat index. The LRU holds committed values only, so overlay writes and reverts can never make
 * it stale; block commits update the entries it holds (they do not insert) and `revertTo` clears it.
 *
 * Write path: `put`/`delete` go to the overlay; `commitBlock` applies the overlay to the tree copy-on-write,
 * builds one atomic LevelDB batch (flat values, new nodes, the prune list and the block record) and returns the
 * new root without waiting for the disk (write-behind): the batch is written in the background, in block order,
 * on libuv's thread pool while the caller builds the next block. Until it lands, reads of that block (values,
 * nodes, block records) are served from the in-memory copy of the batch. `flushed()` resolves once every block
 * committed so far is on disk; `close()` waits for it. A crash loses only blocks `flushed()` had not yet
 * confirmed, and the reopened store is at the last block written, with a consistent root (batches are atomic and
 * written one after another). The root depends only on the final key/value set (the tree's shape is canonical).
 *
 * Versions are block heights: a new store is at version 0 with the empty root; each `commitBlock` adds one.
 * Every version stays readable (`getAt`, `prove`, `rootAt`) until `prune` drops it; `revertTo` rolls back.
 * Open one with `openState`.
 * @module
 */
import { allocBytes, equalBytes, keyBytes, keyString, ownBytes, prefixEnd } from './_bytes.js';
import { hashBytes, hashOf, sha256 } from './_hash.js';
import {
  type BlockRecord,
  decodeBlock,
  decodeStaleList,
  encodeBlock,
  flatKey,
  lookupKey,
  META_LATEST,
  META_PRUNED,
  P_BLOCK,
  P_FLAT,
  P_NODE,
  P_STALE,
  u64,
  versionKey,
} from './_layout.js';
import { Lru } from './_lru.js';
import { decodeNode, encodeNode, type LeafNode, type TreeNode } from './_node.js';
import { NodeCache } from './_nodeCache.js';
import { Overlay, type OverlayValue } from './_overlay.js';
import { type Change, diffLeaves, lookup, provePath, TreeUpdate } from './_tree.js';
import { StateDbCorruptError, StateInputError, StateUsageError, StateVersionError, StateWriteError } from './errors.js';
import type { StateProof } from './proof.js';
import type { StateBackend } from './StateBackend.js';

type BatchOp = { type: 'put'; key: Buffer; value: Buffer | Uint8Array } | { type: 'del'; key: Buffer };
/** classic-level's native chained batch: each operation is one native call taking the key and value as arguments. */
type NativeBatch = {
  _put(key: Buffer, value: Buffer | Uint8Array): void;
  _del(key: Buffer): void;
  _write(options: { sync: boolean }): Promise<void>;
  /** Detaches the batch from the database (which otherwise holds it, and its native operations, until closed). */
  close(): Promise<void>;
};
type Range = { gte?: Buffer; lt?: Buffer; lte?: Buffer; limit?: number };

/**
 * Lookups of an unwritten block's nodes answered by scanning its node keys (about 5 us for 1,700 nodes) before it
 * gets a Map index. The next blocks' tree updates ask for only a few of its nodes below the cached levels (counted
 * in `bench:state`'s workload: 27 lookups a block over all unwritten blocks, while an index was built for 75 of
 * 100 blocks when it came after 16 lookups), and an index of all its ~1,700 nodes (a Map and a heap number per
 * node: about 110 KB of garbage a block, measured) costs more than that many scans; `getAt` and `prove` on an
 * unwritten block, which may ask for many, get the index after these.
 */
const SCANS_BEFORE_INDEX = 64;

/** The part of a classic-level / memory-level 3 database (buffer keys and values) the store uses. */
export interface LevelDb {
  getSync(key: Buffer): Buffer | undefined;
  get(key: Buffer): Promise<Buffer | undefined>;
  put(key: Buffer, value: Buffer): Promise<void>;
  batch(ops: BatchOp[], options?: { sync?: boolean }): Promise<void>;
  iterator(options: Range): { nextv(size: number): Promise<[Buffer, Buffer][]>; close(): Promise<void> };
  keys(options: Range): AsyncIterable<Buffer> & { all(): Promise<Buffer[]> };
  close(): Promise<void>;
  compactRange?(start: Buffer, end: Buffer): Promise<void>;
  /** classic-level's implementation of `batch` (buffers only, no per-operation cloning). */
  _batch?(ops: BatchOp[], options: { sync: boolean }): Promise<void>;
  /** classic-level's implementation of `batch()` without arguments (only used when `LoadedState.nativeBatch`). */
  _chainedBatch?(): NativeBatch;
  readonly status: string;
}

export const MAX_KEY_LENGTH = 2048;
export const MAX_VALUE_LENGTH = 1 << 24;
export const DEFAULT_VALUE_CACHE_SIZE = 1 << 18;
export const DEFAULT_NODE_CACHE_SIZE = 1 << 14;
/** Deepest node level (root = 0) kept decoded in the node cache. */
const CACHED_DEPTH = 3;
/** Deepest node level whose binary hashes stay cached with it. */
const BIN_DEPTH = 3;
/**
 * Unwritten blocks and batch operations at which `commitBlock` waits for the oldest write: bounds the memory held
 * by unwritten batches (about 1 MB per 1,000-key block) when the disk falls behind. Large blocks stop at
 * MAX_UNWRITTEN (4 blocks of 1,000 keys hold about 11,000 operations); small ones (a devnet transfer's block holds
 * about 25) may pile up to MAX_UNWRITTEN_SMALL while their group waits to be written.
 */
const MAX_UNWRITTEN = 4;
const MAX_UNWRITTEN_OPERATIONS = 4096;
const MAX_UNWRITTEN_SMALL = 64;
/** Blocks of at most this many changed keys give the leaves they keep in cached nodes bytes of their own. */
const DETACH_MAX_KEYS = 64;

export type StateStoreOptions = {
  /** fsync each block batch (survives power loss, not only process death). Default false. */
  sync?: boolean;
  /**
   * Group commit: how long (milliseconds) a committed block's batch may wait for later blocks to join it before
   * it is written. Default 0: a batch is written as soon as the one before it has landed, and only the blocks
   * committed while a write is under way share the next one. A server that makes blocks durable by other means
   * (the devnet's block journal) sets a few milliseconds, so that a run of small blocks costs one LevelDB write
   * instead of one each; `flushed()`, `close()` and a full write queue start the waiting batch at once.
   */
  writeDelayMs?: number;
  /** Entries in the hot-value cache in front of the flat index. Default 262,144 (about 50 MB with 32-byte keys and values). */
  valueCacheSize?: number;
  /**
   * Bound on the decoded internal tree nodes of the top levels kept in memory (leaves are not cached): one per
   * nibble path of the levels whose paths fit (levels 0-3: 4,369; 273: levels 0-2; 0: none). Default 16,384.
   */
  nodeCacheSize?: number;
};

export type CommitBlockResult = {
  version: bigint;
  root: Uint8Array;
  /** Keys whose value changed in the overlay (puts and deletes, after merging). */
  keys: number;
  nodesWritten: number;
  /** Bytes of keys and values in the block's batch. */
  bytesWritten: number;
  /** Operations (puts and deletes) in the block's batch: flat values, tree nodes, prune list, block record, latest. */
  operations: number;
};

export type PruneResult = { removedNodes: number; oldestVersion: bigint };

/** An entry of the store's lookup index (see {@link StateStore.lookup}). */
export type LookupEntry = { readonly key: Uint8Array; readonly value: Uint8Array };
export const MAX_LOOKUP_KEY_LENGTH = 255;
export const MAX_LOOKUP_VALUE_LENGTH = 4096;

function checkLookupKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length === 0 || key.length > MAX_LOOKUP_KEY_LENGTH) {
    throw new StateInputError(`a lookup key must be a Uint8Array of 1 to ${MAX_LOOKUP_KEY_LENGTH} bytes`);
  }
}

function checkLookups(entries: readonly LookupEntry[]): void {
  for (const { key, value } of entries) {
    checkLookupKey(key);
    if (!(value instanceof Uint8Array) || value.length > MAX_LOOKUP_VALUE_LENGTH) {
      throw new StateInputError(`a lookup value must be a Uint8Array of at most ${MAX_LOOKUP_VALUE_LENGTH} bytes`);
    }
  }
}

/**
 * A block committed in memory whose batch is not yet known to be on disk: what reads of it need until then
 * (its block record, its flat values and its node bytes, indexed by node key on first use).
 */
type Unwritten = {
  version: number;
  block: BlockRecord;
  values: Map<string, OverlayValue>;
  nodeKeys: Buffer[];
  nodeValues: Buffer[];
  nodeIndex: Map<number | string, Buffer> | undefined;
  /** Lookups answered by a linear scan of `nodeKeys` so far (the index is built after {@link SCANS_BEFORE_INDEX}). */
  scans: number;
  /** The block's lookup entries by key string, if it wrote any. */
  lookups: Map<string, Uint8Array> | undefined;
  /** Operations in the block's part of its group's batch (for the write queue's bound). */
  operations: number;
  /** Settles (never rejects) once the block's batch is written or refused. */
  settled: Promise<void>;
};

/**
 * A batch being filled by one or more consecutive blocks (group commit): it is written after the group before it
 * has landed and, with `writeDelayMs`, once its delay has passed or someone needs it on disk (`start`).
 */
type WriteGroup = {
  readonly batch: BlockBatch;
  /** The oldest and the newest block in the group (-1 until a block joins). */
  first: number;
  last: number;
  /** Settles (never rejects) once the group's batch is written or refused. */
  settled: Promise<void>;
  /** Ends the group's delay (no-op without one, or once it has ended). */
  start: () => void;
};

/** @internal what `openState` read from the database */
export type LoadedState = {
  latest: number;
  pruned: number;
  block: BlockRecord;
  /** The database is classic-level: write blocks through its native chained batch. */
  nativeBatch?: boolean;
};

/**
 * A block's nodes differ only in depth and path: up to depth 12 (every node of a state below 16^12 keys) both fit
 * one safe integer (`depth * 2^48 + packed path`), a cheaper Map key than a string of the node key; deeper nodes
 * use the key's latin1 string.
 */
function nodeId(key: Buffer): number | string {
  const depth = key[9]!;
  if (depth > 12) return key.toString('latin1', 9);
  let id = depth;
  const end = 10 + ((depth + 1) >> 1);
  for (let i = 10; i < 16; i++) id = id * 256 + (i < end ? key[i]! : 0);
  return id;
}

/** The value of node `key` among `keys` (same version: compared from the depth byte on), by a linear scan. */
function scanNodes(keys: Buffer[], values: Buffer[], key: Buffer): Buffer | undefined {
  const length = key.length;
  const depth = key[9]!;
  const first = length > 10 ? key[10]! : 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k.length !== length || k[9] !== depth || (length > 10 && k[10] !== first)) continue;
    let j = 10;
    while (j < length && k[j] === key[j]) j++;
    if (j === length) return values[i];
  }
  return undefined;
}

function noop(): void {}

/** A copy in allocBytes' slab: no malloc'd store for a block's metadata (a devnet block's is about 700 bytes). */
function copyToSlab(bytes: Uint8Array): Uint8Array {
  const out = allocBytes(bytes.length);
  out.set(bytes);
  return out;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array)) throw new StateInputError('state key must be a Uint8Array');
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new StateInputError(`state key must be 1 to ${MAX_KEY_LENGTH} bytes, got ${key.length}`);
  }
}

/** One block's LevelDB batch being filled (see `StateStore.#newBatch`), with its size for `CommitBlockResult`. */
class BlockBatch {
  readonly native: NativeBatch | undefined;
  readonly ops: BatchOp[] = [];
  operations = 0;
  bytes = 0;

  constructor(native: NativeBatch | undefined) {
    this.native = native;
  }

  put(key: Buffer, value: Buffer | Uint8Array): void {
    this.operations++;
    this.bytes += key.length + value.length;
    if (this.native !== undefined) this.native._put(key, value);
    else this.ops.push({ type: 'put', key, value });
  }

  del(key: Buffer): void {
    this.operations++;
    if (this.native !== undefined) this.native._del(key);
    else this.ops.push({ type: 'del', key });
  }
}

export class StateStore implements StateBackend {
  /** The database path (or `:memory:`), as named in errors. */
  readonly path: string;
  readonly #db: LevelDb;
  readonly #overlay = new Overlay();
  readonly #values: Lru<Uint8Array | null>;
  readonly #nodes: NodeCache;
  readonly #sync: boolean;
  #committing: Map<string, OverlayValue> | undefined;
  #busy: 'commitBlock' | 'prune' | 'revertTo' | undefined;
  #closed = false;
  readonly #direct: boolean;
  readonly #native: boolean;
  #latest: number;
  #pruned: number;
  #block: BlockRecord;
  /** Blocks committed in memory and not yet on disk, oldest first (see {@link Unwritten}). */
  #unwritten: Unwritten[] = [];
  /** The last group write queued: each group's batch is written after the one before it. */
  #writes: Promise<void> = Promise.resolve();
  /** The group that the next committed block joins: queued, not yet being written (see {@link WriteGroup}). */
  #filling: WriteGroup | undefined;
  readonly #writeDelayMs: number;
  /** Settles when the running prune or revertTo ends (close() waits for it). */
  #busyEnded: Promise<void> = Promise.resolve();
  /** The first failed block write: every later block is then refused (its batch is never written). */
  #writeFailure: StateWriteError | undefined;

  /** @internal use `openState` */
  constructor(db: LevelDb, path: string, loaded: LoadedState, options: StateStoreOptions = {}) {
    this.#db = db;
    // classic-level and memory-level both implement `_batch` on buffer keys and values as the store uses them
    this.#direct = typeof db._batch === 'function';
    this.#native = loaded.nativeBatch === true && typeof db._chainedBatch === 'function';
    this.path = path;
    this.#latest = loaded.latest;
    this.#pruned = loaded.pruned;
    this.#block = loaded.block;
    this.#sync = options.sync ?? false;
    this.#writeDelayMs = options.writeDelayMs ?? 0;
    this.#values = new Lru(options.valueCacheSize ?? DEFAULT_VALUE_CACHE_SIZE);
    this.#nodes = new NodeCache(CACHED_DEPTH, options.nodeCacheSize ?? DEFAULT_NODE_CACHE_SIZE);
  }

  /** The latest committed version (block height). */
  get version(): bigint {
    return BigInt(this.#latest);
  }

  /** The oldest version still readable (raised by `prune`). */
  get oldestVersion(): bigint {
    return BigInt(this.#pruned);
  }

  /** The root of the latest committed version. */
  get root(): Uint8Array {
    return ownBytes(this.#block.root);
  }

  get depth(): number {
    return this.#overlay.depth;
  }

  #open(): void {
    if (this.#closed) throw new StateUsageError('STATE_CLOSED', `State store ${this.path} is closed`);
  }

  #writable(): void {
    this.#open();
    if (this.#busy === 'commitBlock' || this.#busy === 'revertTo') {
      throw new StateUsageError('STATE_BUSY', `Cannot write while ${this.#busy} is running on ${this.path}`);
    }
  }

  /** Marks an asynchronous exclusive operation (prune, revertTo) as running; call the result when it ends. */
  #begin(what: 'prune' | 'revertTo'): () => void {
    this.#busy = what;
    let end!: () => void;
    this.#busyEnded = new Promise<void>((resolve) => {
      end = resolve;
    });
    return () => {
      this.#busy = undefined;
      end();
    };
  }

  #exclusive(what: 'commitBlock' | 'prune' | 'revertTo'): void {
    this.#open();
    if (this.#busy !== undefined) {
      throw new StateUsageError('STATE_BUSY', `Cannot start ${what} while ${this.#busy} is running on ${this.path}`);
    }
  }

  /**
   * Keeps a decoded internal node of the top CACHED_DEPTH levels in memory (the nodes every block rewrites:
   * 4,369 at most, one per path; see _nodeCache.ts; deeper keys are ignored) with its binary hashes (so a changed child rehashes 4 of them). Deeper nodes and
   * leaves come from LevelDB (and its block cache): caching them decoded costs more in garbage collection of a
   * large old generation than the `getSync` it saves.
   */
  #cacheNode(key: Buffer, node: TreeNode): void {
    if (node.kind !== 'internal') return;
    if (key[9]! > BIN_DEPTH && node.bin !== undefined) {
      node.bin = undefined;
      node.kindBits = 0;
    }
    this.#nodes.set(key, node);
  }

  /** Synchronous node loader for the tree algorithms: node cache, then `getSync`. */
  readonly #load = (key: Buffer): TreeNode => {
    const cached = this.#nodes.get(key);
    if (cached !== undefined) return cached;
    const raw = (this.#unwritten.length > 0 ? this.#unwrittenNode(key) : undefined) ?? this.#db.getSync(key);
    if (raw === undefined) throw new StateDbCorruptError(this.path, `tree node ${key.toString('hex')} is missing`);
    let node: TreeNode;
    try {
      node = decodeNode(raw);
    } catch (cause) {
      throw new StateDbCorruptError(this.path, `tree node ${key.toString('hex')} is malformed (${String(cause)})`);
    }
    this.#cacheNode(key, node);
    return node;
  };

  /** Node cache lookup for the tree update, without a node key. */
  readonly #cached = (version: number, path: Uint8Array, depth: number): TreeNode | undefined =>
    this.#nodes.getAt(version, path, depth);

  /** The bytes of node `key` if an unwritten block wrote it (its index is built on first use). */
  #unwrittenNode(key: Buffer): Buffer | undefined {
    const version = NodeCache.versionOf(key);
    for (const u of this.#unwritten) {
      if (u.version !== version) continue;
      if (u.nodeIndex === undefined && u.scans < SCANS_BEFORE_INDEX) {
        u.scans++;
        return scanNodes(u.nodeKeys, u.nodeValues, key);
      }
      if (u.nodeIndex === undefined) {
        u.nodeIndex = new Map();
        for (let i = 0; i < u.nodeKeys.length; i++) u.nodeIndex.set(nodeId(u.nodeKeys[i]!), u.nodeValues[i]!);
      }
      return u.nodeIndex.get(nodeId(key));
    }
    return undefined;
  }

  /**
   * A block's batch. On classic-level it is the native chained batch, filled while the block is built: each
   * operation is one native call taking the key and value as arguments, and LevelDB copies them at once, so
   * nothing of the batch stays on the JavaScript heap while it waits for its turn to be written (`_batch(ops)`
   * reads `type`, `key` and `value` of every operation object through N-API property lookups: measured, the
   * chained batch takes 35-45% less main-thread time for a block's 2,700 operations). Otherwise the database's
   * own `_batch` (the abstract-level implementation contract, which memory-level has) gets the operation list:
   * the public `batch()` clones and re-validates every operation.
   */
  #newBatch(): BlockBatch {
    return new BlockBatch(this.#native && this.#db.status === 'open' ? this.#db._chainedBatch!() : undefined);
  }

  async #writeBatch(batch: BlockBatch): Promise<void> {
    if (batch.native !== undefined) {
      // `_write` skips the public `write()`'s close: without one, the database keeps every batch among its open
      // resources until it is closed, and with it the batch's native copy of its operations (measured: a devnet
      // grew by about 10 KB of native memory a block, 2.2 GB at 175,000 blocks)
      try {
        await batch.native._write({ sync: this.#sync });
      } finally {
        await batch.native.close();
      }
    } else if (this.#direct && this.#db.status === 'open') await this.#db._batch!(batch.ops, { sync: this.#sync });
    else await this.#db.batch(batch.ops, { sync: this.#sync });
  }

  /**
   * The group the next committed block's operations go into: the one still waiting to be written, or a new one
   * queued behind the last. Once a group's batch is on disk its blocks' in-memory copies are dropped; if it fails,
   * it and every later group are refused for good (a later batch written without an earlier one would leave a tree
   * whose nodes are missing), and `flushed()` and the next `commitBlock` report the failure.
   */
  #groupForNextBlock(): WriteGroup {
    if (this.#filling !== undefined) return this.#filling;
    const group: WriteGroup = { batch: this.#newBatch(), first: -1, last: -1, settled: this.#writes, start: noop };
    let delay: Promise<void> | undefined;
    if (this.#writeDelayMs > 0) {
      delay = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#writeDelayMs);
        group.start = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.#filling = group;
    const write = this.#writes.then(async () => {
      if (delay !== undefined) await delay;
      // sealed: blocks committed from here on start the next group
      if (this.#filling === group) this.#filling = undefined;
      if (this.#writeFailure !== undefined) {
        await group.batch.native?.close();
        throw this.#writeFailure;
      }
      try {
        await this.#writeBatch(group.batch);
      } catch (cause) {
        this.#writeFailure ??= new StateWriteError(this.path, group.first, cause);
        throw this.#writeFailure;
      }
      // groups are written in order, so the blocks landing are the oldest unwritten
      while (this.#unwritten.length > 0 && this.#unwritten[0]!.version <= group.last) this.#unwritten.shift();
    });
    // the chain itself never rejects: each write checks the failure recorded before it
    this.#writes = write.catch(() => undefined);
    group.settled = this.#writes;
    return group;
  }

  /** Whether the unwritten blocks are at the bound where `commitBlock` waits for the oldest. */
  #writeQueueFull(): boolean {
    const blocks = this.#unwritten.length;
    if (blocks >= MAX_UNWRITTEN_SMALL) return true;
    if (blocks < MAX_UNWRITTEN) return false;
    let operations = 0;
    for (const u of this.#unwritten) operations += u.operations;
    return operations >= MAX_UNWRITTEN_OPERATIONS;
  }

  /**
   * Resolves once every block committed before the call is on disk (a crash can no longer lose it); rejects
   * with the `STATE_WRITE_FAILED` error if a block's batch could not be written. `commitBlock` returns before
   * its batch is written (write-behind): await this before telling anyone outside the process about a block.
   */
  async flushed(): Promise<void> {
    this.#filling?.start();
    await this.#writes;
    if (this.#writeFailure !== undefined) throw this.#writeFailure;
  }

  // ---- lookup index -------------------------------------------------------------------------------------

  /**
   * The value of a lookup entry, written with a block (`commitBlock`'s `lookups`) or by `writeLookups`; synchronous
   * (one `getSync`). The lookup index is the caller's own map beside the state, for what it finds by a key rather
   * than by walking blocks (a devnet's transaction hash to its block): outside the tree, in no root or proof, and
   * not versioned. The latest write of a key wins, and `revertTo` and `prune` leave entries as they are, so an
   * entry of a block reverted since may point to what is no longer there: check what it points to.
   */
  lookup(key: Uint8Array): Uint8Array | undefined {
    this.#open();
    checkLookupKey(key);
    const ks = keyString(key);
    for (let i = this.#unwritten.length - 1; i >= 0; i--) {
      const v = this.#unwritten[i]!.lookups?.get(ks);
      if (v !== undefined) return ownBytes(v);
    }
    // a copy: memory-level answers with the very Buffer it stores
    const v = this.#db.getSync(lookupKey(key));
    return v === undefined ? undefined : ownBytes(v);
  }

  /**
   * Writes lookup entries outside any block (an index built for blocks committed before it existed), after every
   * block committed so far; resolves once they are on disk, and {@link lookup} sees them from then on.
   */
  async writeLookups(entries: readonly LookupEntry[]): Promise<void> {
    this.#open();
    checkLookups(entries);
    const ops: BatchOp[] = entries.map(({ key, value }) => ({
      type: 'put',
      key: lookupKey(key),
      value: ownBytes(value),
    }));
    this.#filling?.start();
    const write = this.#writes.then(async () => {
      if (this.#writeFailure !== undefined) throw this.#writeFailure;
      await this.#db.batch(ops, { sync: this.#sync });
    });
    this.#writes = write.catch(() => undefined);
    await write;
  }

  // ---- StateBackend -------------------------------------------------------------------------------------

  get(key: Uint8Array): Uint8Array | undefined {
    this.#open();
    checkKey(key);
    const ks = keyString(key);
    let v = this.#overlay.pending.get(ks);
    if (v === undefined && this.#committing !== undefined) v = this.#committing.get(ks);
    if (v === undefined) {
      v = this.#values.get(ks);
      // a block commit updates only the keys the cache holds: the newest unwritten block with the key has its value
      for (let i = this.#unwritten.length - 1; v === undefined && i >= 0; i--) v = this.#unwritten[i]!.values.get(ks);
      if (v === undefined) {
        v = this.#db.getSync(flatKey(key)) ?? null;
        this.#values.set(ks, v);
      }
    }
    return v === null ? undefined : ownBytes(v);
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.#writable();
    checkKey(key);
    if (!(value instanceof Uint8Array) || value.length > MAX_VALUE_LENGTH) {
      throw new StateInputError(`state value must be a Uint8Array of at most ${MAX_VALUE_LENGTH} bytes`);
    }
    this.#overlay.set(keyString(key), Buffer.from(value));
  }

  delete(key: Uint8Array): void {
    this.#writable();
    checkKey(key);
    this.#overlay.set(keyString(key), null);
  }

  checkpoint(): void {
    this.#open();
    this.#overlay.checkpoint();
  }

  commit(): void {
    this.#open();
    if (!this.#overlay.commit())
      throw new StateUsageError('STATE_NO_CHECKPOINT', 'commit() without an open checkpoint');
  }

  revert(): void {
    this.#open();
    if (!this.#overlay.revert())
      throw new StateUsageError('STATE_NO_CHECKPOINT', 'revert() without an open checkpoint');
  }

  // ---- blocks -------------------------------------------------------------------------------------------

  /**
   * Commits the overlay as the next version and returns the new root; its LevelDB batch (flat values, tree nodes,
   * prune list, block record with `meta`; one atomic batch) is written behind: await `flushed()` for the disk.
   * Needs every checkpoint closed. Throws `STATE_WRITE_FAILED` once an earlier block's write has failed.
   *
   * `lookups`, called once with the new root before anything is committed, gives lookup entries (see
   * {@link lookup}) to write in the same batch: the block and its entries land together or not at all.
   */
  async commitBlock(
    meta: Uint8Array = new Uint8Array(0),
    lookups?: (root: Uint8Array) => readonly LookupEntry[],
  ): Promise<CommitBlockResult> {
    // the disk is behind by a few blocks: wait for the oldest first (a failure surfaces below). Waiting before the
    // commit, not after it, keeps the commit itself synchronous: no other operation (a revertTo, say) can run
    // between this block's commit in memory and this call's return.
    this.#open();
    while (this.#writeFailure === undefined && this.#writeQueueFull()) {
      this.#filling?.start();
      await this.#unwritten[0]!.settled;
    }
    this.#exclusive('commitBlock');
    if (this.#overlay.depth > 0) {
      throw new StateUsageError(
        'STATE_OPEN_CHECKPOINT',
        `commitBlock with ${this.#overlay.depth} open checkpoint(s)`,
        'Commit or revert every checkpoint before committing the block.',
      );
    }
    if (this.#writeFailure !== undefined) throw this.#writeFailure;
    const version = this.#latest + 1;
    const pending = this.#overlay.take();
    this.#committing = pending;
    this.#busy = 'commitBlock';
    let result: CommitBlockResult;
    try {
      const changes: (Change & { head: number; order: string; flat: Buffer })[] = [];
      // forEach, not for-of: no [key, value] array per entry; the flat key is written straight from the key string
      // and the key is a view of it (one Buffer per key instead of two, and one copy of its bytes)
      pending.forEach((value, ks) => {
        const flat = Buffer.allocUnsafe(ks.length + 1);
        flat[0] = P_FLAT;
        for (let i = 0; i < ks.length; i++) flat[i + 1] = ks.charCodeAt(i);
        const key = flat.subarray(1);
        // sorted by the key hash: its first four bytes as a number, then (if those are equal: for 1,000 keys,
        // about one block in 8,600) the whole hash as a latin1 string (same order as its bytes). A number
        // comparison costs less than a string comparison, which costs less than a native Buffer.compare call
        const order = hashOf(key);
        const keyHash = Buffer.from(order, 'latin1');
        const head = ((keyHash[0]! << 24) | (keyHash[1]! << 16) | (keyHash[2]! << 8) | keyHash[3]!) >>> 0;
        changes.push({ key, keyHash, value, head, order, flat });
      });
      changes.sort((a, b) => a.head - b.head || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
      // A small block's few keys and values sit in Buffer's pool between the short-lived allocations of everything
      // else (a devnet's requests and receipts), so a leaf kept inline in a cached node would keep a slab of mostly
      // garbage alive: those leaves get bytes of their own (measured on a devnet: 106 -> 42 MB of Buffer memory after
      // 16,000 one-transfer blocks, growing with the chain before). A large block's keys fill whole slabs
      // themselves, and copying its kept leaves cost bench:state's write phase about 3% (4 interleaved pairs).
      const update = new TreeUpdate(version, this.#load, CACHED_DEPTH, this.#cached, changes.length <= DETACH_MAX_KEYS);
      const rootNode = update.apply(this.#block.rootNode, changes);
      // sized once (no growth garbage: a block writes about 1,750 nodes)
      const written = update.written;
      const nodeKeys = new Array<Buffer>(written.length);
      const nodeValues = new Array<Buffer>(written.length);
      for (let i = 0; i < written.length; i++) {
        const w = written[i]!;
        nodeKeys[i] = w.key;
        nodeValues[i] = w.value ?? encodeNode(w.node!);
      }
      const stale = update.stale.count > 0 ? update.stale.bytes() : undefined;
      const root = rootNode === undefined ? new Uint8Array(32) : hashBytes(rootNode.hash);
      const block: BlockRecord = { root, rootNode, meta: copyToSlab(meta) };
      const blockRecord = encodeBlock(block);
      const entries = lookups?.(ownBytes(root));
      if (entries !== undefined) checkLookups(entries);
      // nothing below can fail: the block's operations go into its group's batch, shared with the blocks before it
      // in the group, all at once (a block that failed above has added none)
      const group = this.#groupForNextBlock();
      const batch = group.batch;
      const operationsBefore = batch.operations;
      const bytesBefore = batch.bytes;
      for (const c of changes) {
        if (c.value === null) batch.del(c.flat);
        else batch.put(c.flat, c.value);
      }
      for (let i = 0; i < nodeKeys.length; i++) batch.put(nodeKeys[i]!, nodeValues[i]!);
      if (stale !== undefined) batch.put(versionKey(P_STALE, version), stale);
      let lookupValues: Map<string, Uint8Array> | undefined;
      if (entries !== undefined && entries.length > 0) {
        lookupValues = new Map();
        for (const { key, value } of entries) {
          const own = ownBytes(value);
          batch.put(lookupKey(key), own);
          lookupValues.set(keyString(key), own);
        }
      }
      batch.put(versionKey(P_BLOCK, version), blockRecord);
      batch.put(META_LATEST, Buffer.from(u64(version)));
      if (group.first < 0) group.first = version;
      group.last = version;
      // committed in memory from here on: reads of this block come from `unwritten` until its batch lands
      const unwritten: Unwritten = {
        version,
        block,
        values: pending,
        nodeKeys,
        nodeValues,
        nodeIndex: undefined,
        scans: 0,
        lookups: lookupValues,
        operations: batch.operations - operationsBefore,
        // the write runs in a later task: the block is in `unwritten` before it can land
        settled: group.settled,
      };
      this.#unwritten.push(unwritten);
      if (stale !== undefined) this.#nodes.deleteListed(stale);
      for (const { key, node } of update.written) if (node !== undefined) this.#cacheNode(key, node);
      // cached keys get their new values, as arrays of their own (a value from `put` is a view of Buffer's pool,
      // and the cache may keep it for thousands of blocks, and with it the pool's 8 KiB slab); the others are read
      // from `unwritten`, then from LevelDB, when asked for
      pending.forEach((value, ks) => {
        if (this.#values.has(ks)) this.#values.update(ks, value === null ? null : ownBytes(value));
      });
      this.#latest = version;
      this.#block = block;
      result = {
        version: BigInt(version),
        root: ownBytes(block.root),
        keys: pending.size,
        nodesWritten: update.written.length,
        bytesWritten: batch.bytes - bytesBefore,
        operations: batch.operations - operationsBefore,
      };
    } catch (error) {
      this.#overlay.pending = pending;
      throw error;
    } finally {
      this.#committing = undefined;
      this.#busy = undefined;
    }
    return result;
  }

  #version(version: bigint | number): number {
    const v = typeof version === 'bigint' ? version : BigInt(version);
    if (v < 0n || v > BigInt(this.#latest)) {
      throw new StateVersionError(
        'STATE_VERSION_UNKNOWN',
        `Version ${v} of ${this.path} is not committed (latest is ${this.#latest})`,
      );
    }
    if (v < BigInt(this.#pruned)) {
      throw new StateVersionError(
        'STATE_VERSION_PRUNED',
        `Version ${v} of ${this.path} was pruned (oldest kept is ${this.#pruned})`,
      );
    }
    return Number(v);
  }

  #readBlock(version: number): BlockRecord {
    if (version === this.#latest) return this.#block;
    for (const u of this.#unwritten) if (u.version === version) return u.block;
    const raw = this.#db.getSync(versionKey(P_BLOCK, version));
    if (raw === undefined) throw new StateDbCorruptError(this.path, `block record ${version} is missing`);
    try {
      return decodeBlock(raw);
    } catch (cause) {
      throw new StateDbCorruptError(this.path, `block record ${version} is malformed (${String(cause)})`);
    }
  }

  /** The root of a committed version (also of pruned versions: block records are kept). */
  rootAt(version: bigint | number): Uint8Array {
    this.#open();
    const v = typeof version === 'bigint' ? version : BigInt(version);
    if (v < 0n || v > BigInt(this.#latest)) this.#version(v);
    return ownBytes(this.#readBlock(Number(v)).root);
  }

  /** The `meta` bytes given to `commitBlock` for a version. */
  blockMeta(version: bigint | number): Uint8Array {
    this.#open();
    const v = typeof version === 'bigint' ? version : BigInt(version);
    if (v < 0n || v > BigInt(this.#latest)) this.#version(v);
    return ownBytes(this.#readBlock(Number(v)).meta);
  }

  // ---- reads at versions, listing, proofs ---------------------------------------------------------------

  /** The value of `key` as committed at `version` (synchronous; walks that version's tree). */
  getAt(key: Uint8Array, version: bigint | number): Uint8Array | undefined {
    this.#open();
    checkKey(key);
    const block = this.#readBlock(this.#version(version));
    const leaf = lookup(block.rootNode, sha256(key), this.#load);
    return leaf === undefined ? undefined : ownBytes(leaf.value);
  }

  /**
   * Entries whose key starts with `prefix`, in key order, as seen now (overlay over the latest block); the
   * overlay is snapshotted when iteration starts. For one contract's storage: `entries(storagePrefix(c))`.
   */
  async *entries(prefix: Uint8Array = new Uint8Array(0)): AsyncGenerator<[Uint8Array, Uint8Array]> {
    this.#open();
    const pfx = keyString(prefix);
    const merged = new Map<string, OverlayValue>();
    // unwritten blocks oldest first, then the overlay: the newest write of a key wins; the database iterator below
    // may or may not see the unwritten blocks, whose keys these entries cover either way
    for (const map of [...this.#unwritten.map((u) => u.values), this.#committing, this.#overlay.pending]) {
      if (map === undefined) continue;
      for (const [ks, v] of map) if (ks.startsWith(pfx)) merged.set(ks, v);
    }
    const over = [...merged].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const gte = flatKey(prefix);
    const it = this.#db.iterator({ gte, lt: Buffer.from(prefixEnd(gte)!) });
    try {
      let chunk = await it.nextv(512);
      let ci = 0;
      let oi = 0;
      for (;;) {
        if (ci >= chunk.length && chunk.length > 0) {
          chunk = await it.nextv(512);
          ci = 0;
        }
        const dbEntry = ci < chunk.length ? chunk[ci]! : undefined;
        const dbKs = dbEntry === undefined ? undefined : dbEntry[0].toString('latin1', 1);
        const o = oi < over.length ? over[oi]! : undefined;
        if (dbKs === undefined && o === undefined) return;
        if (o !== undefined && (dbKs === undefined || o[0] <= dbKs)) {
          oi++;
          if (dbKs === o[0]) ci++;
          if (o[1] !== null) yield [ownBytes(keyBytes(o[0])), ownBytes(o[1])];
        } else {
          ci++;
          yield [ownBytes(keyBytes(dbKs!)), ownBytes(dbEntry![1])];
        }
      }
    } finally {
      await it.close();
    }
  }

  /**
   * An inclusion proof of `key` (if present) or a non-inclusion proof (if absent) against the root of
   * `version` (default: latest committed). Check it with `verifyProof(rootAt(version), key, value, proof)`.
   */
  prove(key: Uint8Array, version?: bigint | number): StateProof {
    this.#open();
    checkKey(key);
    const block = this.#readBlock(version === undefined ? this.#latest : this.#version(version));
    const { siblings, leaf } = provePath(block.rootNode, sha256(key), this.#load);
    return {
      siblings: siblings.map(hashBytes),
      leaf: leaf === undefined ? null : { keyHash: ownBytes(leaf.keyHash), valueHash: hashBytes(leaf.valueHash) },
    };
  }

  // ---- version management -------------------------------------------------------------------------------

  /**
   * Keeps the last `keepLast` versions readable and deletes tree nodes only older versions used. Live nodes
   * (reachable from a kept version) are never touched; block records (roots and meta) are kept.
   */
  async prune(keepLast: number | bigint): Promise<PruneResult> {
    this.#exclusive('prune');
    const k = typeof keepLast === 'bigint' ? Number(keepLast) : keepLast;
    if (!Number.isSafeInteger(k) || k < 1)
      throw new StateInputError(`prune keepLast must be at least 1, got ${keepLast}`);
    // a prune interrupted by a crash left its horizon recorded: sweeping up to it again finishes the job
    const oldest = Math.max(0, this.#latest - k + 1, this.#pruned);
    const ended = this.#begin('prune');
    try {
      // the prune lists and nodes it deletes must be on disk first (and a failed write stops it here)
      await this.flushed();
      if (oldest > this.#pruned) {
        await this.#db.put(META_PRUNED, Buffer.from(u64(oldest)));
        this.#pruned = oldest;
      }
      let removedNodes = 0;
      let ops: BatchOp[] = [];
      const it = this.#db.iterator({ gte: versionKey(P_STALE, 0), lte: versionKey(P_STALE, oldest) });
      try {
        for (;;) {
          const chunk = await it.nextv(64);
          if (chunk.length === 0) break;
          for (const [key, value] of chunk) {
            for (const node of decodeStaleList(value)) {
              ops.push({ type: 'del', key: node });
              this.#nodes.delete(node);
              removedNodes++;
            }
            ops.push({ type: 'del', key });
          }
          if (ops.length >= 20_000) {
            await this.#db.batch(ops);
            ops = [];
          }
        }
      } finally {
        await it.close();
      }
      if (ops.length > 0) await this.#db.batch(ops);
      return { removedNodes, oldestVersion: BigInt(oldest) };
    } finally {
      ended();
    }
  }

  /**
   * Rolls the store back to `version` (devnet snapshots): the flat index, tree and block records become exactly
   * those of that version, in one atomic batch; later versions are gone. Uncommitted overlay writes are dropped;
   * no checkpoint may be open.
   */
  async revertTo(version: bigint | number): Promise<void> {
    this.#exclusive('revertTo');
    const v = this.#version(version);
    if (this.#overlay.depth > 0) {
      throw new StateUsageError('STATE_OPEN_CHECKPOINT', `revertTo with ${this.#overlay.depth} open checkpoint(s)`);
    }
    this.#overlay.clear();
    if (v === this.#latest) return;
    const ended = this.#begin('revertTo');
    try {
      await this.flushed();
      const target = this.#readBlock(v);
      const now = new Map<string, LeafNode>();
      const then = new Map<string, LeafNode>();
      diffLeaves(this.#block.rootNode, target.rootNode, this.#load, now, then);
      const ops: BatchOp[] = [];
      for (const [kh, leaf] of now) if (!then.has(kh)) ops.push({ type: 'del', key: flatKey(leaf.key) });
      for (const [kh, leaf] of then) {
        const cur = now.get(kh);
        if (cur === undefined || !equalBytes(cur.value, leaf.value)) {
          ops.push({ type: 'put', key: flatKey(leaf.key), value: Buffer.from(leaf.value) });
        }
      }
      for (const prefix of [P_NODE, P_STALE, P_BLOCK]) {
        for await (const key of this.#db.keys({ gte: versionKey(prefix, v + 1), lt: Buffer.of(prefix + 1) })) {
          ops.push({ type: 'del', key });
        }
      }
      ops.push({ type: 'put', key: META_LATEST, value: Buffer.from(u64(v)) });
      await this.#db.batch(ops, { sync: this.#sync });
      this.#latest = v;
      this.#block = target;
      this.#values.clear();
      this.#nodes.clear();
    } finally {
      ended();
    }
  }

  /** Compacts the whole database (LevelDB `compactRange`; a no-op in memory), e.g. after `prune`. */
  async compact(): Promise<void> {
    this.#open();
    await this.flushed();
    if (typeof this.#db.compactRange === 'function') await this.#db.compactRange(Buffer.of(0), Buffer.of(0xff));
  }

  /**
   * Waits for every committed block to be written, then closes the database. If a block's write failed, the
   * database is closed all the same and the `STATE_WRITE_FAILED` error is thrown: the blocks after the last one
   * written are lost (a reopen is at that block).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#busyEnded; // a prune or revertTo under way finishes its own database work first
    this.#filling?.start();
    await this.#writes;
    await this.#db.close();
    if (this.#writeFailure !== undefined) throw this.#writeFailure;
  }
}
