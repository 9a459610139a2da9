/**
 * Light-client verification of a state proof against a 32-byte state root. Pure: no I/O, no Node APIs, no
 * state; its only dependency is @noble/hashes' SHA-256, so it ships to a browser or another runtime as is.
 *
 * The root is that of the binary sparse Merkle tree over `sha256(key)` (see _smt.ts): `value` non-null asks
 * "is key = value in this state?", `value` null asks "is key absent?". Any malformed proof gives `false`,
 * never an exception. A faster SHA-256 (for example `node:crypto`'s, on a server checking many proofs) may be
 * passed in `options.sha256`; it must be SHA-256.
 * @module
 */
import { bitAt, bytesEqual, type Sha256, sha256, smtInternalHash, smtLeafHash, ZERO_HASH } from './_smt.js';
import { decodeProof, type StateProof } from './proof.js';

/**
 * True iff `proof` shows that in the state committed to by `root`, `key` holds `value` (or is absent when
 * `value` is null).
 * @example
 * const proof = store.prove(key);
 * verifyProof(store.root, key, store.get(key) ?? null, proof); // true
 */
export type VerifyProofOptions = { sha256?: Sha256 };

export function verifyProof(
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | null,
  proof: StateProof | Uint8Array,
  options: VerifyProofOptions = {},
): boolean {
  const hash = options.sha256 ?? sha256;
  let p: StateProof;
  try {
    p = proof instanceof Uint8Array ? decodeProof(proof) : proof;
  } catch {
    return false;
  }
  if (!(root instanceof Uint8Array) || root.length !== 32 || !Array.isArray(p.siblings)) return false;
  const depth = p.siblings.length;
  if (depth > 256) return false;
  const keyHash = hash(key);
  let cur: Uint8Array;
  const leaf = p.leaf;
  if (leaf !== null && (leaf.keyHash?.length !== 32 || leaf.valueHash?.length !== 32)) return false;
  if (value !== null) {
    if (leaf === null || !bytesEqual(leaf.keyHash, keyHash) || !bytesEqual(leaf.valueHash, hash(value))) return false;
    cur = smtLeafHash(keyHash, leaf.valueHash, hash);
  } else if (leaf === null) {
    cur = ZERO_HASH;
  } else {
    if (bytesEqual(leaf.keyHash, keyHash)) return false;
    for (let b = 0; b < depth; b++) if (bitAt(leaf.keyHash, b) !== bitAt(keyHash, b)) return false;
    cur = smtLeafHash(leaf.keyHash, leaf.valueHash, hash);
  }
  for (let d = depth - 1; d >= 0; d--) {
    const sibling = p.siblings[d];
    if (!(sibling instanceof Uint8Array) || sibling.length !== 32) return false;
    cur = bitAt(keyHash, d) ? smtInternalHash(sibling, cur, hash) : smtInternalHash(cur, sibling, hash);
  }
  return bytesEqual(cur, root);
}
