/**
 * Internal portable hashing of the binary sparse Merkle tree that the state root commits to, with
 * @noble/hashes' pure-JavaScript SHA-256 (FIPS 180-4), so proof verification and reference roots run anywhere
 * (a browser light client, a contract tool) without Node. Same rules as _hash.ts, which uses node:crypto on the
 * hot path; _hash.test.ts checks the two agree.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';

export const ZERO_HASH: Uint8Array = new Uint8Array(32);

export { sha256 };

/** A SHA-256 implementation: bytes in, 32 bytes out. */
export type Sha256 = (data: Uint8Array) => Uint8Array;

const INPUT = new Uint8Array(65);

export function smtLeafHash(keyHash: Uint8Array, valueHash: Uint8Array, hash: Sha256 = sha256): Uint8Array {
  INPUT[0] = 0x00;
  INPUT.set(keyHash, 1);
  INPUT.set(valueHash, 33);
  return hash(INPUT);
}

export function smtInternalHash(left: Uint8Array, right: Uint8Array, hash: Sha256 = sha256): Uint8Array {
  INPUT[0] = 0x01;
  INPUT.set(left, 1);
  INPUT.set(right, 33);
  return hash(INPUT);
}

/** Bit `index` of a 256-bit key hash, most significant bit of byte 0 first. */
export function bitAt(keyHash: Uint8Array, index: number): number {
  return (keyHash[index >> 3]! >> (7 - (index & 7))) & 1;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
