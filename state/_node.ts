/**
 * Internal node types of the Jellyfish Merkle tree (Gao, Hu et al., "Jellyfish Merkle Tree", Diem 2021) and their
 * storage encoding (format 1).
 *
 * An internal node has up to 16 children, each a pointer `(version, hash, leaf?)`; the child's node key is
 * `(version, path + nibble)`. Its hash is not a hash of 16 children but the root of the 4-level binary sparse
 * Merkle tree over its 16 slots, where an empty range hashes to the placeholder and a range holding a single
 * leaf takes that leaf's hash (the leaf is "hoisted"). So the root of the whole tree equals the root of a binary
 * sparse Merkle tree over the key hashes, proofs are binary (about log2(n) siblings), and the root depends only
 * on the key/value set. The 31 binary hashes of a node are kept beside the decoded node so that changing one
 * child rehashes 4 of them, not 15.
 *
 * Small leaves (key and value together at most {@link INLINE_LEAF_MAX} bytes: account records, storage slots) are
 * stored inline in their parent instead of as nodes of their own: a block then writes one node per changed
 * bottom-level parent instead of that parent plus a leaf per changed key, and the parent's copy replaces a
 * pointer (version, hash) plus a separate LevelDB record. Larger leaves (contract code) stay separate nodes so
 * that rewriting a parent never copies them. Where a leaf is stored changes neither hashes nor shape.
 *
 * Encodings (the first byte is the node kind; the database format version, 2, covers them):
 * - internal: `0x01 || childBitmap u16 BE || leafBitmap u16 BE || inlineBitmap u16 BE || child*` in nibble
 *   order, a child being `varint keyLength || key || varint valueLength || value` if its inline bit is set,
 *   else `varint version || hash32`
 * - leaf:     `0x02 || varint keyLength || key || value`
 * Key hashes, value hashes and leaf hashes of leaves are recomputed on decode, never stored; a node this process
 * wrote below the cached levels travels to the next block that changes it as a memo on its parent's pointer
 * (its bytes and inline leaf hashes: {@link Child.memo}), so that block neither reads it back nor rehashes it.
 * @module
 */
import { ownBytes, readVarint } from './_bytes.js';
import { HASH_LENGTH, type Hash, hashOf, internalHash, leafHash, PLACEHOLDER, sha256 } from './_hash.js';

/** A pointer from a parent to a child node. */
export type Child = {
  version: number;
  hash: Hash;
  leaf: boolean;
  /** A leaf built during this update and not yet placed (its node key depends on where it lands). */
  pending?: LeafNode;
  /** A small leaf stored inside its parent (no node of its own; `version` is then meaningless). */
  inline?: LeafNode;
  /**
   * For an internal node this process wrote below the cached levels: its encoding followed by its inline leaves'
   * hashes (see {@link memoOf}). The next block that changes the node decodes it from here instead of reading it
   * back from LevelDB and rehashing every inline leaf (three SHA-256 each). It lives as long as the pointer, and a
   * pointer names one immutable node, so it can never be stale.
   */
  memo?: string;
};

/**
 * A child pointer. Every pointer is made here with all five fields in one order, so the tree code's property
 * accesses see one object shape (literals with different field sets made them megamorphic: about a fifth of
 * `encodeNode`'s time went to looking up `inline`).
 */
export function makeChild(
  version: number,
  hash: Hash,
  leaf: boolean,
  pending: LeafNode | undefined = undefined,
  inline: LeafNode | undefined = undefined,
  memo: string | undefined = undefined,
): Child {
  return { version, hash, leaf, pending, inline, memo };
}

/** Leaves whose key and value together take at most this many bytes are stored inline in their parent. */
export const INLINE_LEAF_MAX = 160;

export function isInlineable(leaf: LeafNode): boolean {
  return leaf.key.length + leaf.value.length <= INLINE_LEAF_MAX;
}

/**
 * A leaf: key, value and leaf hash. The key hash and the value hash are computed on first use when the leaf
 * hash came from a {@link Child.memo}: an unchanged leaf of a rewritten node needs only its leaf hash.
 */
export class LeafNode {
  readonly kind = 'leaf' as const;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly hash: Hash;
  #keyHash: Uint8Array | undefined;
  #valueHash: Hash | undefined;

  constructor(key: Uint8Array, value: Uint8Array, hash: Hash, keyHash?: Uint8Array, valueHash?: Hash) {
    this.key = key;
    this.value = value;
    this.hash = hash;
    this.#keyHash = keyHash;
    this.#valueHash = valueHash;
  }

  /**
   * The same leaf with its key, value and key hash in arrays of their own (see _bytes.ts `ownBytes`): for a leaf
   * kept inline in a cached node, which may live for thousands of blocks. Its hashes are carried over, none computed.
   */
  detached(): LeafNode {
    const keyHash = this.#keyHash === undefined ? undefined : ownBytes(this.#keyHash);
    return new LeafNode(ownBytes(this.key), ownBytes(this.value), this.hash, keyHash, this.#valueHash);
  }

  get keyHash(): Uint8Array {
    let h = this.#keyHash;
    if (h === undefined) {
      h = sha256(this.key);
      this.#keyHash = h;
    }
    return h;
  }

  get valueHash(): Hash {
    let h = this.#valueHash;
    if (h === undefined) {
      h = hashOf(this.value);
      this.#valueHash = h;
    }
    return h;
  }
}

export type InternalNode = {
  kind: 'internal';
  children: (Child | undefined)[];
  /**
   * Binary heap of the node's sparse Merkle subtree, positions 1..15 (1 is the root); positions 16..31 are the
   * slots, whose hashes are the children's own (see {@link binAt}). Undefined until computed.
   */
  bin?: Hash[];
  /**
   * Per heap position 1..15, 2 bits at bit 2 * (position - 1): 0 empty, 1 exactly one leaf below, 2 anything else
   * (slots: {@link kindAt}). One small integer instead of a byte array per node: each block derives about 2,000
   * nodes and keeps the top levels cached, and every object less is less for the garbage collector to copy.
   */
  kindBits: number;
  /** The node's encoding, once known (it was decoded from it or encoded to it). */
  raw?: Buffer;
  /** Until encoded: the node this one was derived from and the slots that differ (bit `s` for slot `s`). */
  base?: InternalNode;
  changedMask?: number;
};

/** An internal node; every one is made here, with all fields in one order (one object shape for the JIT). */
export function makeInternal(
  children: (Child | undefined)[],
  raw: Buffer | undefined = undefined,
  base: InternalNode | undefined = undefined,
  changedMask = 0,
): InternalNode {
  return { kind: 'internal', children, bin: undefined, kindBits: 0, raw, base, changedMask };
}

export type TreeNode = LeafNode | InternalNode;

export function makeLeaf(key: Uint8Array, value: Uint8Array, keyHash: Uint8Array = sha256(key)): LeafNode {
  const valueHash = hashOf(value);
  return new LeafNode(key, value, leafHash(keyHash, valueHash), keyHash, valueHash);
}

/** The kind of heap position `i` (1..31) of a node whose hashes are computed: 0 empty, 1 one leaf, 2 more. */
export function kindAt(node: InternalNode, i: number): number {
  if (i < 16) return (node.kindBits >> (2 * (i - 1))) & 3;
  const c = node.children[i - 16];
  return c === undefined ? 0 : c.leaf ? 1 : 2;
}

/** The hash of heap position `i` (1..31) of a node whose hashes are computed. */
export function binAt(node: InternalNode, i: number): Hash {
  if (i < 16) return node.bin![i]!;
  const c = node.children[i - 16];
  return c === undefined ? PLACEHOLDER : c.hash;
}

function rehash(node: InternalNode, i: number): void {
  const bin = node.bin!;
  const a = kindAt(node, 2 * i);
  const b = kindAt(node, 2 * i + 1);
  let kind: number;
  if (a === 0 && b === 0) {
    kind = 0;
    bin[i] = PLACEHOLDER;
  } else if (a === 0 && b === 1) {
    kind = 1;
    bin[i] = binAt(node, 2 * i + 1);
  } else if (a === 1 && b === 0) {
    kind = 1;
    bin[i] = binAt(node, 2 * i);
  } else {
    kind = 2;
    bin[i] = internalHash(binAt(node, 2 * i), binAt(node, 2 * i + 1));
  }
  const shift = 2 * (i - 1);
  node.kindBits = (node.kindBits & ~(3 << shift)) | (kind << shift);
}

/** Computes (all of) the node's binary hashes if not yet known; returns the node hash. */
export function ensureHashes(node: InternalNode): Hash {
  if (node.bin === undefined) {
    node.bin = new Array<Hash>(16);
    node.bin[0] = PLACEHOLDER; // unused position: set so the array holds strings only
    node.kindBits = 0;
    for (let i = 15; i >= 1; i--) rehash(node, i);
  }
  return node.bin[1]!;
}

/**
 * A new internal node from `base`'s children with the slots in `mask` (bit `s` for slot `s`) changed to
 * `children`'s entries; rehashes only their paths. The changed slots come as one integer, not an array: the tree
 * update derives about 2,000 nodes a block, and an array per node was garbage for the next scavenge.
 */
export function deriveInternal(
  base: InternalNode | undefined,
  children: (Child | undefined)[],
  mask: number,
): InternalNode {
  if (base === undefined) {
    const fresh = makeInternal(children);
    ensureHashes(fresh);
    return fresh;
  }
  // the encoder copies the unchanged slots' bytes from the base's encoding (if known) instead of re-encoding them
  const node = makeInternal(children, undefined, base.raw === undefined ? undefined : base, mask);
  if (base.bin === undefined) {
    // the base's binary hashes are not known (a node below the cached levels, just decoded): the new node's own
    // take fewer SHA-256 than the base's plus its changed paths again (the unchanged positions are the same)
    ensureHashes(node);
    return node;
  }
  node.bin = base.bin.slice();
  node.kindBits = base.kindBits;
  // heap positions 1..15 above the changed slots, as bits of one integer (no array allocated per node)
  let dirty = 0;
  for (let s = 0; s < 16; s++) {
    if (mask & (1 << s)) for (let i = (16 + s) >> 1; i >= 1; i >>= 1) dirty |= 1 << i;
  }
  for (let i = 15; i >= 1; i--) if (dirty & (1 << i)) rehash(node, i);
  return node;
}

export function nodeHash(node: TreeNode): Hash {
  return node.kind === 'leaf' ? node.hash : ensureHashes(node);
}

function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

function putVarint(out: Buffer, offset: number, value: number): number {
  let o = offset;
  let v = value;
  while (v >= 0x80) {
    out[o++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[o++] = v;
  return o;
}

export function encodeNode(node: TreeNode): Buffer {
  if (node.kind === 'leaf') {
    const head = 1 + varintLength(node.key.length);
    const out = Buffer.allocUnsafe(head + node.key.length + node.value.length);
    out[0] = 0x02;
    putVarint(out, 1, node.key.length);
    out.set(node.key, head);
    out.set(node.value, head + node.key.length);
    return out;
  }
  const base = node.base;
  const out = base?.raw !== undefined ? encodeDerived(node, base.raw, node.changedMask ?? 0xffff) : encodeFull(node);
  // the encoding is kept for the next block's derived node (and the base dropped, so no chain of bases is kept)
  node.raw = out;
  node.base = undefined;
  return out;
}

function childSize(c: Child): number {
  if (c.inline === undefined) return varintLength(c.version) + HASH_LENGTH;
  const key = c.inline.key;
  const value = c.inline.value;
  return varintLength(key.length) + key.length + varintLength(value.length) + value.length;
}

/** Writes one child's bytes at `o`; returns the offset after them. */
function putChild(out: Buffer, o: number, c: Child): number {
  if (c.inline !== undefined) {
    const key = c.inline.key;
    const value = c.inline.value;
    let p = putVarint(out, o, key.length);
    out.set(key, p);
    p = putVarint(out, p + key.length, value.length);
    out.set(value, p);
    return p + value.length;
  }
  const p = putVarint(out, o, c.version);
  // a hash is a latin1 string: copying its 32 char codes in JavaScript beats a native write call per hash
  const h = c.hash;
  for (let i = 0; i < HASH_LENGTH; i++) out[p + i] = h.charCodeAt(i);
  return p + HASH_LENGTH;
}

function putHeader(out: Buffer, bitmap: number, leafmap: number, inlinemap: number): void {
  out[0] = 0x01;
  out[1] = bitmap >> 8;
  out[2] = bitmap & 0xff;
  out[3] = leafmap >> 8;
  out[4] = leafmap & 0xff;
  out[5] = inlinemap >> 8;
  out[6] = inlinemap & 0xff;
}

// The header bitmaps of the node being encoded; module-level scratch (encoding is synchronous).
const HEADER = { bitmap: 0, leafmap: 0, inlinemap: 0 };

/** Encodes child `c` of slot `s` at `o` and sets its header bits; returns the offset after it. */
function putSlot(out: Buffer, o: number, s: number, c: Child): number {
  const bit = 1 << (15 - s);
  HEADER.bitmap |= bit;
  if (c.leaf) HEADER.leafmap |= bit;
  if (c.inline !== undefined) HEADER.inlinemap |= bit;
  return putChild(out, o, c);
}

/** Written straight into one Buffer of the exact size (from the shared pool), every child encoded. */
function encodeFull(node: InternalNode): Buffer {
  let size = 7;
  for (let s = 0; s < 16; s++) {
    const c = node.children[s];
    if (c !== undefined) size += childSize(c);
  }
  const out = Buffer.allocUnsafe(size);
  HEADER.bitmap = 0;
  HEADER.leafmap = 0;
  HEADER.inlinemap = 0;
  let o = 7;
  for (let s = 0; s < 16; s++) {
    const c = node.children[s];
    if (c !== undefined) o = putSlot(out, o, s, c);
  }
  putHeader(out, HEADER.bitmap, HEADER.leafmap, HEADER.inlinemap);
  return out;
}

// Byte ranges of the 16 slots in a base node's encoding (start = end for an empty slot); module-level scratch
// (encoding is synchronous), so scanning a base allocates nothing.
const SEG_START = new Int32Array(16);
const SEG_END = new Int32Array(16);
const SCAN = { o: 0 };

/** The offset after the varint at `o` (one byte, the common case, read inline). */
function skipVarint(bytes: Buffer, o: number): number {
  if (bytes[o]! < 0x80) return o + 1;
  SCAN.o = o;
  readVarint(bytes, SCAN);
  return SCAN.o;
}

/** The offset after the length-prefixed field (varint length, then that many bytes) at `o`. */
function skipVarintField(bytes: Buffer, o: number): number {
  const b = bytes[o]!;
  if (b < 0x80) return o + 1 + b;
  SCAN.o = o;
  const length = readVarint(bytes, SCAN);
  return SCAN.o + length;
}

/** Runs at least this long are copied natively (measured: from about 64 bytes on, `Buffer#copy` is faster). */
const NATIVE_COPY_MIN = 64;

/**
 * Copies `bytes[start, end)` to `out` at `o`; returns the offset after them. Short runs (one child pointer is 33-34
 * bytes) with a JavaScript loop: `copy` of a part of a Buffer costs a native call and may make a Uint8Array view,
 * garbage for the next scavenge. Long runs (the unchanged two thirds of a 600-byte bottom node) natively: the loop
 * costs about 2 ns a byte, `copy` 0.06 us for 68 bytes and 0.17 us for 300.
 */
function copyRun(bytes: Buffer, out: Buffer, o: number, start: number, end: number): number {
  if (end - start >= NATIVE_COPY_MIN) return o + bytes.copy(out, o, start, end);
  let p = o;
  for (let i = start; i < end; i++) out[p++] = bytes[i]!;
  return p;
}

/**
 * The encoding of a node derived from a base whose encoding is `baseRaw`: slots outside `changedMask` are the
 * base's, so their bytes are copied from `baseRaw` in runs (one copy for each stretch of unchanged slots) and
 * only the changed children are encoded. A block typically changes one or two of a node's 16 slots, and this
 * neither reads the unchanged children's objects (scattered over the heap) nor copies their hashes byte by byte.
 * The output is byte-identical to {@link encodeFull} of the same node.
 */
function encodeDerived(node: InternalNode, baseRaw: Buffer, changedMask: number): Buffer {
  const baseBits = (baseRaw[1]! << 8) | baseRaw[2]!;
  const baseInline = (baseRaw[5]! << 8) | baseRaw[6]!;
  let p = 7;
  for (let s = 0; s < 16; s++) {
    const bit = 1 << (15 - s);
    SEG_START[s] = p;
    if (baseBits & bit) {
      if (baseInline & bit) {
        p = skipVarintField(baseRaw, p);
        p = skipVarintField(baseRaw, p);
      } else p = skipVarint(baseRaw, p) + HASH_LENGTH;
    }
    SEG_END[s] = p;
  }
  if (p !== baseRaw.length) throw new RangeError('base node encoding does not match its bitmaps');
  let size = 7;
  for (let s = 0; s < 16; s++) {
    if (changedMask & (1 << s)) {
      const c = node.children[s];
      if (c !== undefined) size += childSize(c);
    } else size += SEG_END[s]! - SEG_START[s]!;
  }
  const out = Buffer.allocUnsafe(size);
  const keep = ~changedMask;
  // header bits of unchanged slots come from the base (header bit 15 - s is slot s)
  let keepBits = 0;
  for (let s = 0; s < 16; s++) if (keep & (1 << s)) keepBits |= 1 << (15 - s);
  HEADER.bitmap = baseBits & keepBits;
  HEADER.leafmap = ((baseRaw[3]! << 8) | baseRaw[4]!) & keepBits;
  HEADER.inlinemap = baseInline & keepBits;
  let o = 7;
  let runStart = -1;
  let runEnd = -1;
  for (let s = 0; s < 16; s++) {
    if (!(changedMask & (1 << s))) {
      const a = SEG_START[s]!;
      const b = SEG_END[s]!;
      if (a === b) continue;
      if (runEnd === a) runEnd = b;
      else {
        if (runStart >= 0) o = copyRun(baseRaw, out, o, runStart, runEnd);
        runStart = a;
        runEnd = b;
      }
      continue;
    }
    if (runStart >= 0) {
      o = copyRun(baseRaw, out, o, runStart, runEnd);
      runStart = -1;
      runEnd = -1;
    }
    const c = node.children[s];
    if (c !== undefined) o = putSlot(out, o, s, c);
  }
  if (runStart >= 0) o = copyRun(baseRaw, out, o, runStart, runEnd);
  putHeader(out, HEADER.bitmap, HEADER.leafmap, HEADER.inlinemap);
  return out;
}

/**
 * Largest memo kept, in bytes. Memos live on the pointers of cached nodes, one per node of the level below them
 * (at most 65,536 at depth 4): this bounds their memory to about 32 MB, whatever the state's size. At 100,000 keys a
 * depth-4 node holds two or three leaves and its memo takes about 250 bytes; nodes of much larger states are read
 * back and rehashed as before.
 */
export const MEMO_MAX = 512;

// Scratch for building a memo (synchronous, so one is enough); grown when a node is larger.
let memoScratch = Buffer.allocUnsafeSlow(4096);

/**
 * A {@link Child.memo} for `node`, just encoded as `raw`: the encoding, then the inline leaves' hashes in slot
 * order, as one flat latin1 string (one native copy; a chain of concatenations would be flattened again on first
 * read). A string, not a Buffer: a small Buffer kept for many blocks would keep its whole 8 KB pool slab.
 */
export function memoOf(node: InternalNode, raw: Buffer): string | undefined {
  let size = raw.length;
  for (let s = 0; s < 16; s++) if (node.children[s]?.inline !== undefined) size += HASH_LENGTH;
  if (size > MEMO_MAX) return undefined;
  if (size > memoScratch.length) memoScratch = Buffer.allocUnsafeSlow(2 * size);
  const out = memoScratch;
  raw.copy(out, 0);
  let o = raw.length;
  for (let s = 0; s < 16; s++) {
    const c = node.children[s];
    if (c?.inline === undefined) continue;
    const h = c.inline.hash;
    for (let i = 0; i < HASH_LENGTH; i++) out[o + i] = h.charCodeAt(i);
    o += HASH_LENGTH;
  }
  return out.toString('latin1', 0, o);
}

/** The node a {@link Child.memo} holds, its inline leaves' hashes taken from the memo. */
export function decodeMemo(memo: string): TreeNode {
  const inlinemap = (memo.charCodeAt(5) << 8) | memo.charCodeAt(6);
  let inlines = 0;
  for (let m = inlinemap; m !== 0; m &= m - 1) inlines++;
  const rawLength = memo.length - inlines * HASH_LENGTH;
  const raw = Buffer.allocUnsafe(rawLength);
  raw.write(memo, 0, rawLength, 'latin1');
  return decodeNode(raw, memo, rawLength);
}

/**
 * Decodes a node. With `leafHashes`, the inline leaves' hashes are read from it (32 characters each, in slot
 * order, from `hashesAt`) instead of computed.
 */
export function decodeNode(bytes: Buffer, leafHashes?: string, hashesAt = 0): TreeNode {
  const pos = { o: 1 };
  if (bytes[0] === 0x02) {
    const keyLength = readVarint(bytes, pos);
    if (pos.o + keyLength > bytes.length) throw new RangeError('truncated leaf');
    const key = bytes.slice(pos.o, pos.o + keyLength);
    const value = bytes.slice(pos.o + keyLength);
    return makeLeaf(key, value);
  }
  if (bytes[0] !== 0x01 || bytes.length < 7) throw new RangeError('unknown node kind');
  const bitmap = (bytes[1]! << 8) | bytes[2]!;
  const leafmap = (bytes[3]! << 8) | bytes[4]!;
  const inlinemap = (bytes[5]! << 8) | bytes[6]!;
  if ((leafmap & ~bitmap) !== 0 || (inlinemap & ~leafmap) !== 0) throw new RangeError('inconsistent child bitmaps');
  pos.o = 7;
  const children = new Array<Child | undefined>(16);
  for (let s = 0; s < 16; s++) {
    const bit = 1 << (15 - s);
    if (!(bitmap & bit)) continue;
    if (inlinemap & bit) {
      const keyLength = readVarint(bytes, pos);
      if (pos.o + keyLength > bytes.length) throw new RangeError('truncated inline leaf');
      const key = bytes.subarray(pos.o, pos.o + keyLength);
      pos.o += keyLength;
      const valueLength = readVarint(bytes, pos);
      if (pos.o + valueLength > bytes.length) throw new RangeError('truncated inline leaf');
      const value = bytes.subarray(pos.o, pos.o + valueLength);
      let leaf: LeafNode;
      if (leafHashes === undefined) leaf = makeLeaf(key, value);
      else {
        leaf = new LeafNode(key, value, leafHashes.slice(hashesAt, hashesAt + HASH_LENGTH));
        hashesAt += HASH_LENGTH;
      }
      pos.o += valueLength;
      children[s] = makeChild(0, leaf.hash, true, undefined, leaf);
      continue;
    }
    const version = readVarint(bytes, pos);
    if (pos.o + HASH_LENGTH > bytes.length) throw new RangeError('truncated internal node');
    const hash = bytes.toString('latin1', pos.o, pos.o + HASH_LENGTH);
    pos.o += HASH_LENGTH;
    children[s] = makeChild(version, hash, (leafmap & bit) !== 0);
  }
  if (pos.o !== bytes.length) throw new RangeError('trailing bytes in internal node');
  return makeInternal(children, bytes);
}
