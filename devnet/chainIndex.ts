/**
 * The chain's lookups by hash (a transaction's block and position, a block's height), kept in the state store's
 * lookup index (`StateStore.lookup`) instead of in memory.
 *
 * In memory the two maps took about 385 bytes a block of a one-transfer chain, forever, and a restart rebuilt
 * them by decoding every block: 3.9 s for 100,000 blocks, measured, against 0.18 s for a new chain. In the store
 * each block's entries are written in its own batch (`commitBlock`'s `lookups`), so they land with the block and
 * a restart reads nothing; one `getSync` answers a lookup.
 *
 * The store keeps entries through `revertTo` (dev_revert, dev_reset), so an entry may name a block that was
 * rewound since: every lookup is checked against the block it names (`Chain` does this), and a transaction mined
 * again after a rewind overwrites its entry. A chain created before the index existed has none: `Chain.open` finds
 * no {@link INDEX_MARKER} and indexes its blocks once.
 *
 * Keys: `'T' || transaction hash` = `u64 LE height || u32 LE index`; `'H' || block hash` = `u64 LE height`;
 * `'V'` = the index's version (1), written with genesis or after the one-time indexing.
 * @module
 */
import type { LookupEntry } from '../state/index.js';
import type { Block } from './block.js';
import { readU64, u64 } from './codec.js';

const TX = 0x54; // 'T'
const BLOCK = 0x48; // 'H'
const INDEX_VERSION = 1;

/** The key whose entry says the chain's index is complete (from genesis on). */
export const INDEX_MARKER: Uint8Array = Uint8Array.of(0x56); // 'V'
export const INDEX_MARKER_ENTRY: LookupEntry = { key: INDEX_MARKER, value: Uint8Array.of(INDEX_VERSION) };

function prefixed(prefix: number, hash: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + hash.length);
  key[0] = prefix;
  key.set(hash, 1);
  return key;
}

export const txLookupKey = (hash: Uint8Array): Uint8Array => prefixed(TX, hash);
export const blockLookupKey = (hash: Uint8Array): Uint8Array => prefixed(BLOCK, hash);

/** Where a mined transaction is: its block's height and its position in the block. */
export type IndexedLocation = { readonly height: bigint; readonly index: number };

export function encodeLocation(height: bigint, index: number): Uint8Array {
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, height, true);
  view.setUint32(8, index, true);
  return out;
}

/** The location in an entry's value, or undefined if the value is not one (a foreign or damaged entry). */
export function decodeLocation(value: Uint8Array | undefined): IndexedLocation | undefined {
  if (value?.length !== 12) return undefined;
  const view = new DataView(value.buffer, value.byteOffset, 12);
  return { height: view.getBigUint64(0, true), index: view.getUint32(8, true) };
}

/** A block height as codec's u64 (8 bytes little-endian). */
export const encodeHeight = (height: bigint): Uint8Array => u64(height);

export function decodeHeight(value: Uint8Array | undefined): bigint | undefined {
  return value?.length === 8 ? readU64(value, 'block height') : undefined;
}

/** A block's entries: its hash, and each transaction's hash. */
export function blockLookups(
  height: bigint,
  blockHash: Uint8Array,
  transactionHashes: readonly Uint8Array[],
): LookupEntry[] {
  const entries: LookupEntry[] = [{ key: blockLookupKey(blockHash), value: encodeHeight(height) }];
  for (let i = 0; i < transactionHashes.length; i++) {
    entries.push({ key: txLookupKey(transactionHashes[i]!), value: encodeLocation(height, i) });
  }
  return entries;
}

export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** {@link blockLookups} of a block read back (the one-time indexing of an older chain). */
export function lookupsOf(block: Block): LookupEntry[] {
  return blockLookups(
    block.header.height,
    block.hash,
    block.transactions.map((tx) => tx.hash),
  );
}
