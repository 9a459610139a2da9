/**
 * The state root of a key/value set computed from scratch, without a database or a tree: the root of the binary
 * sparse Merkle tree over `sha256(key)` with single leaves hoisted (see _smt.ts). It is the definition the
 * Jellyfish tree of the store must agree with, so tests use it as a second implementation, and tools can
 * compute a genesis root with it. Pure; @noble/hashes only. Cost: O(n log n) hashes.
 * @module
 */
import { bitAt, sha256, smtInternalHash, smtLeafHash, ZERO_HASH } from './_smt.js';

type Entry = { keyHash: Uint8Array; valueHash: Uint8Array };

function subtreeRoot(entries: Entry[], bit: number): Uint8Array {
  if (entries.length === 0) return ZERO_HASH;
  if (entries.length === 1) return smtLeafHash(entries[0]!.keyHash, entries[0]!.valueHash);
  if (bit >= 256) throw new RangeError('two keys with the same key hash');
  const left = entries.filter((e) => bitAt(e.keyHash, bit) === 0);
  const right = entries.filter((e) => bitAt(e.keyHash, bit) === 1);
  return smtInternalHash(subtreeRoot(left, bit + 1), subtreeRoot(right, bit + 1));
}

/** The root of the state holding exactly `entries` (keys must be distinct). The empty state's root is 32 zero bytes. */
export function computeRoot(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Uint8Array {
  const list: Entry[] = [];
  for (const [key, value] of entries) list.push({ keyHash: sha256(key), valueHash: sha256(value) });
  return Uint8Array.from(subtreeRoot(list, 0));
}
