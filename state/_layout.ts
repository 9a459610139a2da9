/**
 * Internal database layout of the state store, format version 2 (format 1 stored every leaf as its own node). One LevelDB holds, by first key byte:
 *
 * - `'M'` meta records: `M format` = `"GASKET-STATE" || u32 BE format version` (written once, at creation),
 *   `M latest` = u64 BE latest committed version, `M pruned` = u64 BE oldest version still readable.
 * - `'F' || key` = the latest value of `key` (the flat index; one `getSync` per read).
 * - `'N' || u64 BE version || depth u8 || packed nibble path` = a tree node (see _node.ts, _nibbles.ts).
 * - `'S' || u64 BE version` = keys of the nodes replaced by that version (`u8 length || node key`)*, the prune list.
 * - `'B' || u64 BE version` = the block record: `0x01 || root32 || flags (bit 0: has root node, bit 1: root is a
 *   leaf) || varint root node version || varint meta length || meta`.
 * - `'L' || key` = a lookup entry (see `StateStore.lookup`): the caller's own index beside the state (a devnet's
 *   transaction and block hashes), outside the tree and every root. Added within format 2: no existing record
 *   changed, and a store that predates it has none (its users build theirs once, as the devnet does).
 *
 * A block commit writes its flat values, nodes, prune list, block record and `M latest` in one atomic batch, so
 * a reopened database is always at a committed block. Any change to these encodings needs a new format version.
 * @module
 */
import { equalBytes, readU64, readVarint, u64, writeU64, writeVarint } from './_bytes.js';
import { toHash } from './_hash.js';
import { nodeKeyLength, writeNodeKey } from './_nibbles.js';
import { type Child, makeChild } from './_node.js';

export const STATE_FORMAT_VERSION = 2;
export const FORMAT_MAGIC = new TextEncoder().encode('GASKET-STATE');

export const P_FLAT = 0x46; // 'F'
export const P_NODE = 0x4e; // 'N'
export const P_STALE = 0x53; // 'S'
export const P_BLOCK = 0x42; // 'B'
export const P_LOOKUP = 0x4c; // 'L'

const ascii = (s: string) => Buffer.from(s, 'latin1');
export const META_FORMAT = ascii('Mformat');
export const META_LATEST = ascii('Mlatest');
export const META_PRUNED = ascii('Mpruned');

function prefixedKey(prefix: number, key: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(key.length + 1);
  out[0] = prefix;
  out.set(key, 1);
  return out;
}

export const flatKey = (key: Uint8Array): Buffer => prefixedKey(P_FLAT, key);
export const lookupKey = (key: Uint8Array): Buffer => prefixedKey(P_LOOKUP, key);

export function versionKey(prefix: number, version: number): Buffer {
  const out = Buffer.allocUnsafe(9);
  out[0] = prefix;
  writeU64(out, 1, version);
  return out;
}

export function encodeFormat(version: number): Buffer {
  const out = Buffer.alloc(FORMAT_MAGIC.length + 4);
  out.set(FORMAT_MAGIC, 0);
  out.writeUInt32BE(version, FORMAT_MAGIC.length);
  return out;
}

/** The format version in a format record, or undefined if it is not one of ours. */
export function decodeFormat(bytes: Uint8Array): number | undefined {
  if (bytes.length !== FORMAT_MAGIC.length + 4) return undefined;
  if (!equalBytes(bytes.subarray(0, FORMAT_MAGIC.length), FORMAT_MAGIC)) return undefined;
  return Buffer.from(bytes).readUInt32BE(FORMAT_MAGIC.length);
}

export type BlockRecord = { root: Uint8Array; rootNode: Child | undefined; meta: Uint8Array };

export function encodeBlock(record: BlockRecord): Buffer {
  const head: number[] = [];
  const flags = record.rootNode === undefined ? 0 : record.rootNode.leaf ? 3 : 1;
  writeVarint(head, record.rootNode?.version ?? 0);
  writeVarint(head, record.meta.length);
  // written into one Buffer (no intermediate arrays): a devnet commits one block a transaction
  const out = Buffer.allocUnsafe(34 + head.length + record.meta.length);
  out[0] = 1;
  out.set(record.root, 1);
  out[33] = flags;
  for (let i = 0; i < head.length; i++) out[34 + i] = head[i]!;
  out.set(record.meta, 34 + head.length);
  return out;
}

export function decodeBlock(bytes: Uint8Array): BlockRecord {
  if (bytes[0] !== 1 || bytes.length < 34) throw new RangeError('unknown block record');
  const root = bytes.slice(1, 33);
  const flags = bytes[33]!;
  const pos = { o: 34 };
  const version = readVarint(bytes, pos);
  const metaLength = readVarint(bytes, pos);
  if (pos.o + metaLength !== bytes.length) throw new RangeError('bad block record length');
  const meta = bytes.slice(pos.o);
  const rootNode = flags & 1 ? makeChild(version, toHash(root), (flags & 2) !== 0) : undefined;
  return { root, rootNode, meta };
}

/**
 * The prune list of one block, `(u8 length || node key)*`, written into one Buffer as the tree update replaces
 * nodes: no Buffer per node key (a block replaces about 1,750 nodes, and most keys were never needed otherwise).
 */
export class StaleList {
  // grown by doubling: a one-transfer block lists about 15 keys (a fresh 32 KB ArrayBuffer a block cost more than
  // the list), a 1,000-key block about 1,750 (28 KB, reached after six doublings)
  #bytes = Buffer.allocUnsafe(512);
  #length = 0;
  /** Node keys listed. */
  count = 0;

  #room(n: number): void {
    if (this.#length + n <= this.#bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.#bytes.length, this.#length + n));
    this.#bytes.copy(grown, 0, 0, this.#length);
    this.#bytes = grown;
  }

  /** Lists the node key `key`. */
  add(key: Uint8Array): void {
    this.#room(1 + key.length);
    this.#bytes[this.#length] = key.length;
    this.#bytes.set(key, this.#length + 1);
    this.#length += 1 + key.length;
    this.count++;
  }

  /** Lists the key of the node at (`version`, first `depth` nibbles of `path`) without making it. */
  addNode(version: number, path: Uint8Array, depth: number): void {
    const n = nodeKeyLength(depth);
    this.#room(1 + n);
    this.#bytes[this.#length] = n;
    this.#length = writeNodeKey(this.#bytes, this.#length + 1, version, path, depth);
    this.count++;
  }

  /** The encoded list (a view of the builder's Buffer: a batch copies it when it is put). */
  bytes(): Buffer {
    return this.#bytes.subarray(0, this.#length);
  }
}

export function decodeStaleList(bytes: Uint8Array): Buffer[] {
  const out: Buffer[] = [];
  let o = 0;
  while (o < bytes.length) {
    const n = bytes[o]!;
    if (o + 1 + n > bytes.length) throw new RangeError('truncated prune list');
    out.push(Buffer.from(bytes.subarray(o + 1, o + 1 + n)));
    o += 1 + n;
  }
  return out;
}

export { readU64, u64 };
