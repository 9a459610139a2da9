/**
 * State proofs: the shape returned by `StateStore.prove` and checked by {@link verifyProof}, and its compact
 * byte encoding (format 1) for the wire.
 *
 * A proof is the binary sparse-Merkle path of `sha256(key)`: the sibling hashes from the root down (a
 * placeholder sibling is 32 zero bytes) and the leaf where the path ends. For an inclusion proof that leaf is the
 * key's own (key hash, value hash); for a non-inclusion proof it is either another key's leaf sharing the path
 * or `null` when the path ends in an empty subtree. With 100,000 keys a proof has about 18 siblings (~650 bytes).
 *
 * Encoding: `0x01 (format) || flags (bit 0: has leaf) || depth u16 BE || bitmap of non-placeholder siblings
 * (ceil(depth/8) bytes, root first, MSB first) || those siblings (32 bytes each) || [keyHash 32 || valueHash 32]`.
 * @module
 */

export const PROOF_FORMAT_VERSION = 1;

export type ProofLeaf = { keyHash: Uint8Array; valueHash: Uint8Array };

export type StateProof = {
  /** Sibling hashes from the root down; one per binary level above where the path ends. */
  siblings: Uint8Array[];
  /** The leaf where the path ends, or null for an empty subtree. */
  leaf: ProofLeaf | null;
};

function isZero(h: Uint8Array): boolean {
  for (let i = 0; i < h.length; i++) if (h[i] !== 0) return false;
  return true;
}

export function encodeProof(proof: StateProof): Uint8Array {
  const depth = proof.siblings.length;
  const bitmapLength = (depth + 7) >> 3;
  const present = proof.siblings.filter((s) => !isZero(s));
  const out = new Uint8Array(4 + bitmapLength + 32 * present.length + (proof.leaf ? 64 : 0));
  out[0] = PROOF_FORMAT_VERSION;
  out[1] = proof.leaf ? 1 : 0;
  out[2] = depth >> 8;
  out[3] = depth & 0xff;
  let o = 4 + bitmapLength;
  proof.siblings.forEach((s, i) => {
    if (s.length !== 32) throw new RangeError('sibling hash must be 32 bytes');
    if (isZero(s)) return;
    out[4 + (i >> 3)]! |= 0x80 >> (i & 7);
    out.set(s, o);
    o += 32;
  });
  if (proof.leaf) {
    out.set(proof.leaf.keyHash, o);
    out.set(proof.leaf.valueHash, o + 32);
  }
  return out;
}

/** Decodes {@link encodeProof}'s bytes; throws RangeError on anything malformed (unknown format, truncation, extra bytes). */
export function decodeProof(bytes: Uint8Array): StateProof {
  if (bytes.length < 4 || bytes[0] !== PROOF_FORMAT_VERSION) throw new RangeError('unknown proof format');
  if (bytes[1]! > 1) throw new RangeError('unknown proof flags');
  const depth = (bytes[2]! << 8) | bytes[3]!;
  if (depth > 256) throw new RangeError('proof deeper than 256 levels');
  const bitmapLength = (depth + 7) >> 3;
  let o = 4 + bitmapLength;
  if (o > bytes.length) throw new RangeError('truncated proof');
  for (let i = depth; i < bitmapLength * 8; i++) {
    if (bytes[4 + (i >> 3)]! & (0x80 >> (i & 7))) throw new RangeError('proof bitmap has bits past its depth');
  }
  const siblings: Uint8Array[] = [];
  for (let i = 0; i < depth; i++) {
    if (bytes[4 + (i >> 3)]! & (0x80 >> (i & 7))) {
      if (o + 32 > bytes.length) throw new RangeError('truncated proof');
      const s = bytes.slice(o, o + 32);
      if (isZero(s)) throw new RangeError('placeholder sibling encoded as present');
      siblings.push(s);
      o += 32;
    } else siblings.push(new Uint8Array(32));
  }
  let leaf: ProofLeaf | null = null;
  if (bytes[1] === 1) {
    if (o + 64 > bytes.length) throw new RangeError('truncated proof');
    leaf = { keyHash: bytes.slice(o, o + 32), valueHash: bytes.slice(o + 32, o + 64) };
    o += 64;
  }
  if (o !== bytes.length) throw new RangeError('trailing bytes after proof');
  return { siblings, leaf };
}
