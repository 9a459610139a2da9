/**
 * Internal cache of decoded tree nodes of the top levels, one slot per nibble path (4,369 slots for depths 0-3).
 *
 * A block rewrites every node of the top levels it touches (about 1,200 of them at 100,000 keys), so the cache
 * holds one version per path: the slot of a path keeps the newest version loaded or written there, and a lookup
 * hits only if the slot's version is the one asked for (node keys are immutable: a (version, path) key always
 * names the same bytes until `revertTo`, which clears the cache). Indexing an array by the path replaces a Map
 * keyed by node-key strings: no key string per lookup or insertion, no Map entries for the garbage collector to
 * copy, and no separate delete of the replaced version.
 * @module
 */
import type { TreeNode } from './_node.js';

/** Slots of depths 0..d: 1 + 16 + 256 + ... */
function slotsUpTo(depth: number): number {
  let n = 0;
  for (let d = 0; d <= depth; d++) n += 16 ** d;
  return n;
}

export class NodeCache {
  /** Deepest cached level (-1: nothing cached). */
  readonly maxDepth: number;
  readonly #nodes: (TreeNode | undefined)[];
  readonly #versions: Float64Array;

  /** Caches the levels 0..`maxDepth` (at most 3) whose slots fit in `capacity`. */
  constructor(maxDepth: number, capacity: number) {
    let d = Math.min(maxDepth, 3);
    while (d >= 0 && slotsUpTo(d) > capacity) d--;
    this.maxDepth = d;
    const size = d < 0 ? 0 : slotsUpTo(d);
    this.#nodes = new Array<TreeNode | undefined>(size).fill(undefined);
    this.#versions = new Float64Array(size).fill(-1);
  }

  /**
   * The slot of the node key at `o` in `key` (`'N' || u64 version || depth || packed path`, see _nibbles.ts), or
   * -1 if not cached.
   */
  #slot(key: Uint8Array, o = 0): number {
    const depth = key[o + 9]!;
    if (depth > this.maxDepth) return -1;
    if (depth === 0) return 0;
    if (depth === 1) return 1 + (key[o + 10]! >> 4);
    if (depth === 2) return 17 + key[o + 10]!;
    return 273 + ((key[o + 10]! << 4) | (key[o + 11]! >> 4));
  }

  static versionOf(key: Uint8Array, o = 0): number {
    const hi = ((key[o + 1]! << 24) | (key[o + 2]! << 16) | (key[o + 3]! << 8) | key[o + 4]!) >>> 0;
    const lo = ((key[o + 5]! << 24) | (key[o + 6]! << 16) | (key[o + 7]! << 8) | key[o + 8]!) >>> 0;
    return hi * 0x100000000 + lo;
  }

  /** The node at (`version`, first `depth` nibbles of `path`) if it is the one cached, without a node key. */
  getAt(version: number, path: Uint8Array, depth: number): TreeNode | undefined {
    if (depth > this.maxDepth) return undefined;
    const s =
      depth === 0
        ? 0
        : depth === 1
          ? 1 + (path[0]! >> 4)
          : depth === 2
            ? 17 + path[0]!
            : 273 + ((path[0]! << 4) | (path[1]! >> 4));
    return this.#versions[s] === version ? this.#nodes[s] : undefined;
  }

  get(key: Uint8Array): TreeNode | undefined {
    const s = this.#slot(key);
    if (s < 0 || this.#versions[s] !== NodeCache.versionOf(key)) return undefined;
    return this.#nodes[s];
  }

  /** Keeps `node` unless its slot already holds a newer version (an old version's read must not evict the latest). */
  set(key: Uint8Array, node: TreeNode): void {
    const s = this.#slot(key);
    if (s < 0) return;
    const version = NodeCache.versionOf(key);
    if (this.#versions[s]! > version) return;
    this.#versions[s] = version;
    this.#nodes[s] = node;
  }

  /** Drops the node of the key at `o` in `key` if it is the one cached. */
  delete(key: Uint8Array, o = 0): void {
    const s = this.#slot(key, o);
    if (s < 0 || this.#versions[s] !== NodeCache.versionOf(key, o)) return;
    this.#versions[s] = -1;
    this.#nodes[s] = undefined;
  }

  /** Drops the cached nodes among those of a prune list (`(u8 length || node key)*`). */
  deleteListed(list: Uint8Array): void {
    for (let o = 0; o < list.length; o += 1 + list[o]!) this.delete(list, o + 1);
  }

  clear(): void {
    this.#versions.fill(-1);
    this.#nodes.fill(undefined);
  }
}
