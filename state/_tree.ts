/**
 * Internal algorithms of the Jellyfish Merkle tree over the node store: the batched update of one block, point
 * lookup at a version, binary sparse-Merkle proof paths and the leaf difference of two versions.
 *
 * All of them read nodes through a synchronous loader (node cache, then LevelDB `getSync`), so they run inside
 * a wasm host call. The update is copy-on-write: every node it changes is written anew under the block's
 * version and the replaced node key is listed as stale since that version (the prune list); nodes are never
 * edited in place, so every committed version keeps its whole tree until pruned.
 *
 * Small leaves live inline in their parent (see _node.ts): they have no node key, are never loaded or listed
 * stale on their own, and move with their parent. The root's own leaf (a one-key state) is always a node.
 *
 * Canonical shape (the root depends only on the key/value set): an internal node never has a single leaf as its
 * only child (such a leaf floats up to the parent's slot); a leaf sits at the shortest nibble path that no other
 * key shares.
 * @module
 */
import { compareBytes, equalBytes, keyString } from './_bytes.js';
import type { Hash } from './_hash.js';
import { StaleList } from './_layout.js';
import { nibbleAt, nodeKey, pathOf } from './_nibbles.js';
import {
  binAt,
  type Child,
  decodeMemo,
  deriveInternal,
  encodeNode,
  ensureHashes,
  type InternalNode,
  isInlineable,
  kindAt,
  type LeafNode,
  makeChild,
  makeLeaf,
  memoOf,
  type TreeNode,
} from './_node.js';

export type NodeLoader = (key: Buffer) => TreeNode;
/** A node kept decoded in memory at (`version`, first `depth` nibbles of `path`), if any: no key made to ask. */
export type NodeLookup = (version: number, path: Uint8Array, depth: number) => TreeNode | undefined;

/** One key's change in a block: `value` null deletes. Changes passed to an update are sorted by key hash. */
export type Change = { key: Uint8Array; keyHash: Uint8Array; value: Uint8Array | null };

const ROOT_PATH = new Uint8Array(32);
const MAX_DEPTH = 64;

function asLeaf(node: TreeNode): LeafNode {
  if (node.kind !== 'leaf') throw new RangeError('expected a leaf node');
  return node;
}

function asInternal(node: TreeNode): InternalNode {
  if (node.kind !== 'internal') throw new RangeError('expected an internal node');
  return node;
}

/** The batched, copy-on-write update of one block at `version`. */
export class TreeUpdate {
  readonly version: number;
  readonly #load: NodeLoader;
  /**
   * Nodes to write, with their keys: nodes deeper than `keepDepth` are encoded as soon as they are finished and
   * listed by their bytes only (`node` undefined), so the decoded node, its child array and its hashes die young
   * instead of living until the block's batch is written (a scavenge during the commit would copy them all);
   * nodes up to `keepDepth` (the ones the store caches decoded) are listed as nodes and encoded by the caller.
   */
  readonly written: { key: Buffer; node: TreeNode | undefined; value: Buffer | undefined }[] = [];
  /** Keys of nodes replaced by this update (stale since `version`), encoded as the block's prune list. */
  readonly stale = new StaleList();

  readonly #keepDepth: number;

  readonly #cached: NodeLookup | undefined;

  /**
   * Scratch list of the leaves of one subtree being rebuilt (a slot's old leaf and its changes), reused: the
   * update rebuilds about 1,000 such subtrees a block, and a fresh array each (with its growth) was about 150 KB
   * of garbage a block. Filled and consumed by `#build` before the next use; `#build` reads ranges of it and
   * keeps no reference to the list itself.
   */
  readonly #leaves: LeafNode[] = [];

  /** Whether leaves placed inline at the kept levels get bytes of their own (see `#finish`). */
  readonly #detachKept: boolean;

  constructor(
    version: number,
    load: NodeLoader,
    keepDepth = Number.POSITIVE_INFINITY,
    cached: NodeLookup | undefined = undefined,
    detachKept = false,
  ) {
    this.version = version;
    this.#load = load;
    this.#cached = cached;
    this.#keepDepth = keepDepth;
    this.#detachKept = detachKept;
  }

  /** Lists a node to write; returns its encoding if it is below the kept levels (encoded at once). */
  #write(key: Buffer, node: TreeNode, depth: number): Buffer | undefined {
    if (depth > this.#keepDepth) {
      const value = encodeNode(node);
      this.written.push({ key, node: undefined, value });
      return value;
    }
    this.written.push({ key, node, value: undefined });
    return undefined;
  }

  /** Applies sorted, key-unique `changes` to the tree rooted at `root`; returns the new root pointer. */
  apply(root: Child | undefined, changes: Change[]): Child | undefined {
    const r = this.#update(root, 0, ROOT_PATH, changes, 0, changes.length);
    // the block record points at the root by node key: a lone leaf at the top needs a node of its own
    if (r?.inline !== undefined) return this.#place(makeChild(r.version, r.hash, true, r.inline), ROOT_PATH, 0, false);
    return this.#place(r, ROOT_PATH, 0, false);
  }

  /** Gives a leaf built in this update its final home: inline in the parent if small, else a node at `path`. */
  #place(c: Child | undefined, path: Uint8Array, depth: number, inline: boolean): Child | undefined {
    if (c?.pending === undefined) return c;
    if (inline && isInlineable(c.pending)) return makeChild(this.version, c.hash, true, undefined, c.pending);
    this.#write(nodeKey(this.version, path, depth), c.pending, depth);
    return makeChild(this.version, c.hash, true);
  }

  #update(
    child: Child | undefined,
    depth: number,
    path: Uint8Array,
    ch: Change[],
    lo: number,
    hi: number,
  ): Child | undefined {
    if (lo === hi) return child;
    if (child === undefined) {
      const leaves = this.#leaves;
      let n = 0;
      for (let i = lo; i < hi; i++) {
        const c = ch[i]!;
        if (c.value !== null) leaves[n++] = makeLeaf(c.key, c.value, c.keyHash);
      }
      return this.#build(depth, path, leaves, 0, n);
    }
    if (child.leaf) {
      const old = child.inline ?? asLeaf(this.#load(nodeKey(child.version, path, depth)));
      const leaves = this.#leaves;
      let n = 0;
      let oldPlaced = false;
      for (let i = lo; i < hi; i++) {
        const c = ch[i]!;
        const cmp = oldPlaced ? -1 : compareBytes(old.keyHash, c.keyHash);
        if (cmp < 0 && !oldPlaced) {
          leaves[n++] = old;
          oldPlaced = true;
        }
        if (cmp === 0) {
          oldPlaced = true;
          if (c.value !== null)
            leaves[n++] = equalBytes(c.value, old.value) ? old : makeLeaf(c.key, c.value, c.keyHash);
        } else if (c.value !== null) leaves[n++] = makeLeaf(c.key, c.value, c.keyHash);
      }
      if (!oldPlaced) leaves[n++] = old;
      if (n === 1 && leaves[0] === old) return child;
      if (child.inline === undefined) this.stale.addNode(child.version, path, depth);
      return this.#build(depth, path, leaves, 0, n);
    }
    // a node with a memo or in the node cache needs no key made (its key goes straight into the prune list)
    const node = asInternal(
      child.memo === undefined
        ? (this.#cached?.(child.version, path, depth) ?? this.#load(nodeKey(child.version, path, depth)))
        : decodeMemo(child.memo),
    );
    const children = node.children.slice();
    // changed slots as bits of one integer (bit s for slot s): no array per node for the garbage collector
    let changed = 0;
    let i = lo;
    while (i < hi) {
      const n = nibbleAt(ch[i]!.keyHash, depth);
      let j = i + 1;
      while (j < hi && nibbleAt(ch[j]!.keyHash, depth) === n) j++;
      const before = children[n];
      const after = this.#update(before, depth + 1, ch[i]!.keyHash, ch, i, j);
      if (after !== before) {
        children[n] = after;
        changed |= 1 << n;
      }
      i = j;
    }
    if (changed === 0) return child;
    this.stale.addNode(child.version, path, depth);
    return this.#finish(node, children, changed, depth, path);
  }

  /** The subtree at (`depth`, `path`) holding `leaves[lo, hi)` (sorted by key hash). */
  #build(depth: number, path: Uint8Array, leaves: LeafNode[], lo: number, hi: number): Child | undefined {
    if (hi === lo) return undefined;
    if (hi - lo === 1) return makeChild(this.version, leaves[lo]!.hash, true, leaves[lo]!);
    if (depth >= MAX_DEPTH) throw new RangeError('two keys with the same key hash');
    const children = new Array<Child | undefined>(16);
    let changed = 0;
    let i = lo;
    while (i < hi) {
      const n = nibbleAt(leaves[i]!.keyHash, depth);
      let j = i + 1;
      while (j < hi && nibbleAt(leaves[j]!.keyHash, depth) === n) j++;
      children[n] = this.#build(depth + 1, leaves[i]!.keyHash, leaves, i, j);
      changed |= 1 << n;
      i = j;
    }
    return this.#finish(undefined, children, changed, depth, path);
  }

  #finish(
    base: InternalNode | undefined,
    children: (Child | undefined)[],
    changed: number,
    depth: number,
    path: Uint8Array,
  ): Child | undefined {
    let count = 0;
    let only = -1;
    for (let s = 0; s < 16; s++) {
      if (children[s] !== undefined) {
        count++;
        only = s;
      }
    }
    if (count === 0) return undefined;
    const single = children[only]!;
    if (count === 1 && single.leaf) {
      if (single.pending !== undefined) return single;
      // an inline leaf floats up as it is: it will be re-placed by the parent
      if (single.inline !== undefined) return makeChild(this.version, single.hash, true, single.inline);
      const leafKey = nodeKey(single.version, pathOf(path, depth, only), depth + 1);
      const leaf = asLeaf(this.#load(leafKey));
      this.stale.add(leafKey);
      return makeChild(this.version, single.hash, true, leaf);
    }
    for (let s = 0; s < 16; s++) {
      if (!(changed & (1 << s))) continue;
      const c = children[s];
      if (c?.pending === undefined) continue;
      // the slot's path is only needed (and allocated) when the leaf is too large to inline and gets a node
      if (isInlineable(c.pending)) {
        // a pending pointer was made by this update and is held only here: it becomes the inline one itself; in a
        // node of the kept levels the leaf may stay for thousands of blocks, and with `detachKept` it gets bytes of
        // its own there (its key and value are views of pooled Buffers, whose slabs it would keep alive)
        c.version = this.version;
        c.inline = this.#detachKept && depth <= this.#keepDepth ? c.pending.detached() : c.pending;
        c.pending = undefined;
      } else children[s] = this.#place(c, pathOf(path, depth, s), depth + 1, false);
    }
    const node = deriveInternal(base, children, changed);
    const hash = ensureHashes(node);
    const raw = this.#write(nodeKey(this.version, path, depth), node, depth);
    // a node below the kept levels carries its bytes and leaf hashes to the next block that changes it (only the
    // pointers held by cached nodes live that long)
    return makeChild(
      this.version,
      hash,
      false,
      undefined,
      undefined,
      raw === undefined ? undefined : memoOf(node, raw),
    );
  }
}

/** The leaf holding `keyHash` in the tree rooted at `root`, if any. */
export function lookup(root: Child | undefined, keyHash: Uint8Array, load: NodeLoader): LeafNode | undefined {
  let c = root;
  let depth = 0;
  while (c !== undefined) {
    const node = load(nodeKey(c.version, keyHash, depth));
    if (node.kind === 'leaf') return equalBytes(node.keyHash, keyHash) ? node : undefined;
    c = node.children[nibbleAt(keyHash, depth)];
    if (c?.inline !== undefined) return equalBytes(c.inline.keyHash, keyHash) ? c.inline : undefined;
    depth++;
  }
  return undefined;
}

/** The binary proof path of `keyHash`: siblings from the root down, and the leaf where the path ends (if any). */
export function provePath(
  root: Child | undefined,
  keyHash: Uint8Array,
  load: NodeLoader,
): { siblings: Hash[]; leaf: LeafNode | undefined } {
  const siblings: Hash[] = [];
  let c = root;
  let depth = 0;
  while (c !== undefined) {
    const node = load(nodeKey(c.version, keyHash, depth));
    if (node.kind === 'leaf') return { siblings, leaf: node };
    ensureHashes(node);
    const n = nibbleAt(keyHash, depth);
    let i = 1;
    for (let level = 0; level <= 4; level++) {
      const kind = kindAt(node, i);
      if (kind === 0) return { siblings, leaf: undefined };
      if (kind === 1) {
        const size = 16 >> level;
        const start = (i - (1 << level)) * size;
        for (let s = start; s < start + size; s++) {
          const leaf = node.children[s];
          if (leaf === undefined) continue;
          const found = leaf.inline ?? asLeaf(load(nodeKey(leaf.version, pathOf(keyHash, depth, s), depth + 1)));
          return { siblings, leaf: found };
        }
      }
      if (level === 4) break;
      const bit = (n >> (3 - level)) & 1;
      siblings.push(binAt(node, 2 * i + 1 - bit));
      i = 2 * i + bit;
    }
    c = node.children[n];
    depth++;
  }
  return { siblings, leaf: undefined };
}

/** Every leaf below `c` (at `path`, `depth`), keyed by the key hash's {@link keyString}. */
export function collectLeaves(
  c: Child | undefined,
  path: Uint8Array,
  depth: number,
  load: NodeLoader,
  out: Map<string, LeafNode>,
): void {
  if (c === undefined) return;
  if (c.inline !== undefined) {
    out.set(keyString(c.inline.keyHash), c.inline);
    return;
  }
  const node = load(nodeKey(c.version, path, depth));
  if (node.kind === 'leaf') {
    out.set(keyString(node.keyHash), node);
    return;
  }
  for (let s = 0; s < 16; s++) collectLeaves(node.children[s], pathOf(path, depth, s), depth + 1, load, out);
}

/** Leaves that differ between two trees, skipping subtrees with equal hashes. */
export function diffLeaves(
  a: Child | undefined,
  b: Child | undefined,
  load: NodeLoader,
  outA: Map<string, LeafNode>,
  outB: Map<string, LeafNode>,
  path: Uint8Array = ROOT_PATH,
  depth = 0,
): void {
  if (a === undefined && b === undefined) return;
  if (a !== undefined && b !== undefined && a.hash === b.hash) return;
  if (a !== undefined && b !== undefined && !a.leaf && !b.leaf) {
    const na = asInternal(load(nodeKey(a.version, path, depth)));
    const nb = asInternal(load(nodeKey(b.version, path, depth)));
    for (let s = 0; s < 16; s++) {
      diffLeaves(na.children[s], nb.children[s], load, outA, outB, pathOf(path, depth, s), depth + 1);
    }
    return;
  }
  collectLeaves(a, path, depth, load, outA);
  collectLeaves(b, path, depth, load, outB);
}
