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
 * Encodings (the first byte is the node kind; the database format version covers them):
 * - internal: `0x01 || childBitmap u16 BE || leafBitmap u16 BE || (varint version || hash32)*` in nibble order
 * - leaf:     `0x02 || varint keyLength || key || value` (key hash and value hash are recomputed on decode)
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
};

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
  const dirty = new Uint8Array(16);
  for (const s of changed) {
    setSlot(node, s);
    for (let i = (16 + s) >> 1; i >= 1; i >>= 1) dirty[i] = 1;
  }
  for (let i = 15; i >= 1; i--) if (dirty[i]) rehash(node, i);
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
  // built as one latin1 string and copied once: one native write per node instead of one per child hash
  let bitmap = 0;
  let leafmap = 0;
  let body = '';
  for (let s = 0; s < 16; s++) {
    const c = node.children[s];
    if (c === undefined) continue;
    bitmap |= 1 << (15 - s);
    if (c.leaf) leafmap |= 1 << (15 - s);
    let v = c.version;
    while (v >= 0x80) {
      body += String.fromCharCode((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    body += String.fromCharCode(v) + c.hash;
  }
  const head = String.fromCharCode(0x01, bitmap >> 8, bitmap & 0xff, leafmap >> 8, leafmap & 0xff);
  return Buffer.from(head + body, 'latin1');
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
  if (bytes[0] !== 0x01 || bytes.length < 5) throw new RangeError('unknown node kind');
  const bitmap = (bytes[1]! << 8) | bytes[2]!;
  const leafmap = (bytes[3]! << 8) | bytes[4]!;
  pos.o = 5;
  const children = new Array<Child | undefined>(16);
  for (let s = 0; s < 16; s++) {
    if (!(bitmap & (1 << (15 - s)))) continue;
    const version = readVarint(bytes, pos);
    if (pos.o + HASH_LENGTH > bytes.length) throw new RangeError('truncated internal node');
    const hash = bytes.toString('latin1', pos.o, pos.o + HASH_LENGTH);
    pos.o += HASH_LENGTH;
    children[s] = { version, hash, leaf: (leafmap & (1 << (15 - s))) !== 0 };
  }
  if (pos.o !== bytes.length) throw new RangeError('trailing bytes in internal node');
  return { kind: 'internal', children };
}
