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
 * Key hashes, value hashes and leaf hashes of leaves are recomputed on decode, never stored.
 * @module
 */
import { readVarint } from './_bytes.js';
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
};

/** Leaves whose key and value together take at most this many bytes are stored inline in their parent. */
export const INLINE_LEAF_MAX = 160;

export function isInlineable(leaf: LeafNode): boolean {
  return leaf.key.length + leaf.value.length <= INLINE_LEAF_MAX;
}

export type LeafNode = {
  kind: 'leaf';
  key: Uint8Array;
  value: Uint8Array;
  keyHash: Uint8Array;
  valueHash: Hash;
  hash: Hash;
};

export type InternalNode = {
  kind: 'internal';
  children: (Child | undefined)[];
  /** Binary heap of the node's sparse Merkle subtree: index 1 is the root, 16..31 the slots. */
  bin?: Hash[];
  /** Per heap index: 0 empty, 1 exactly one leaf below, 2 anything else. */
  kinds?: Uint8Array;
};

export type TreeNode = LeafNode | InternalNode;

export function makeLeaf(key: Uint8Array, value: Uint8Array, keyHash: Uint8Array = sha256(key)): LeafNode {
  const valueHash = hashOf(value);
  return { kind: 'leaf', key, value, keyHash, valueHash, hash: leafHash(keyHash, valueHash) };
}

function setSlot(node: InternalNode, slot: number): void {
  const c = node.children[slot];
  const i = 16 + slot;
  node.kinds![i] = c === undefined ? 0 : c.leaf ? 1 : 2;
  node.bin![i] = c === undefined ? PLACEHOLDER : c.hash;
}

function rehash(node: InternalNode, i: number): void {
  const kinds = node.kinds!;
  const bin = node.bin!;
  const a = kinds[2 * i]!;
  const b = kinds[2 * i + 1]!;
  if (a === 0 && b === 0) {
    kinds[i] = 0;
    bin[i] = PLACEHOLDER;
  } else if (a === 0 && b === 1) {
    kinds[i] = 1;
    bin[i] = bin[2 * i + 1]!;
  } else if (a === 1 && b === 0) {
    kinds[i] = 1;
    bin[i] = bin[2 * i]!;
  } else {
    kinds[i] = 2;
    bin[i] = internalHash(bin[2 * i]!, bin[2 * i + 1]!);
  }
}

/** Computes (all of) the node's binary hashes if not yet known; returns the node hash. */
export function ensureHashes(node: InternalNode): Hash {
  if (node.bin === undefined) {
    node.bin = new Array<Hash>(32);
    node.kinds = new Uint8Array(32);
    for (let s = 0; s < 16; s++) setSlot(node, s);
    for (let i = 15; i >= 1; i--) rehash(node, i);
  }
  return node.bin[1]!;
}

/** A new internal node from `base`'s children with `slots` changed to `children`'s entries; rehashes only their paths. */
export function deriveInternal(
  base: InternalNode | undefined,
  children: (Child | undefined)[],
  changed: number[],
): InternalNode {
  const node: InternalNode = { kind: 'internal', children };
  if (base === undefined) {
    ensureHashes(node);
    return node;
  }
  ensureHashes(base);
  node.bin = base.bin!.slice();
  node.kinds = base.kinds!.slice();
  // heap positions 1..15 above the changed slots, as bits of one integer (no array allocated per node)
  let dirty = 0;
  for (const s of changed) {
    setSlot(node, s);
    for (let i = (16 + s) >> 1; i >= 1; i >>= 1) dirty |= 1 << i;
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
  // written straight into one Buffer of the exact size (from the shared pool): building it as a string first
  // allocated about 2 KB of garbage per node in cons and flattened strings
  let size = 7;
  for (let s = 0; s < 16; s++) {
    const c = node.children[s];
    if (c === undefined) continue;
    if (c.inline !== undefined) {
      const { key, value } = c.inline;
      size += varintLength(key.length) + key.length + varintLength(value.length) + value.length;
    } else size += varintLength(c.version) + HASH_LENGTH;
  }
  const out = Buffer.allocUnsafe(size);
  let bitmap = 0;
  let leafmap = 0;
  let inlinemap = 0;
  let o = 7;
  for (let s = 0; s < 16; s++) {
    const c = node.children[s];
    if (c === undefined) continue;
    const bit = 1 << (15 - s);
    bitmap |= bit;
    if (c.leaf) leafmap |= bit;
    if (c.inline !== undefined) {
      inlinemap |= bit;
      const { key, value } = c.inline;
      o = putVarint(out, o, key.length);
      out.set(key, o);
      o = putVarint(out, o + key.length, value.length);
      out.set(value, o);
      o += value.length;
    } else {
      o = putVarint(out, o, c.version);
      // a hash is a latin1 string: copying its 32 char codes in JavaScript beats a native write call per hash
      const h = c.hash;
      for (let i = 0; i < HASH_LENGTH; i++) out[o + i] = h.charCodeAt(i);
      o += HASH_LENGTH;
    }
  }
  out[0] = 0x01;
  out[1] = bitmap >> 8;
  out[2] = bitmap & 0xff;
  out[3] = leafmap >> 8;
  out[4] = leafmap & 0xff;
  out[5] = inlinemap >> 8;
  out[6] = inlinemap & 0xff;
  return out;
}

export function decodeNode(bytes: Buffer): TreeNode {
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
      const leaf = makeLeaf(key, bytes.subarray(pos.o, pos.o + valueLength));
      pos.o += valueLength;
      children[s] = { version: 0, hash: leaf.hash, leaf: true, inline: leaf };
      continue;
    }
    const version = readVarint(bytes, pos);
    if (pos.o + HASH_LENGTH > bytes.length) throw new RangeError('truncated internal node');
    const hash = bytes.toString('latin1', pos.o, pos.o + HASH_LENGTH);
    pos.o += HASH_LENGTH;
    children[s] = { version, hash, leaf: (leafmap & bit) !== 0 };
  }
  if (pos.o !== bytes.length) throw new RangeError('trailing bytes in internal node');
  return { kind: 'internal', children };
}
