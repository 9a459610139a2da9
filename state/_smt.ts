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
  if (hash === sha256) return hashPair(0x00, keyHash, valueHash);
  INPUT[0] = 0x00;
  INPUT.set(keyHash, 1);
  INPUT.set(valueHash, 33);
  return hash(INPUT);
}

export function smtInternalHash(left: Uint8Array, right: Uint8Array, hash: Sha256 = sha256): Uint8Array {
  if (hash === sha256) return hashPair(0x01, left, right);
  INPUT[0] = 0x01;
  INPUT.set(left, 1);
  INPUT.set(right, 33);
  return hash(INPUT);
}

// SHA-256 (FIPS 180-4) of the 65-byte input `tag || a || b`, the only input size of leaf and internal hashes:
// two compression rounds over a fixed, pre-padded buffer. @noble/hashes builds a hasher object, pads and copies
// on every call, which costs more than the compression itself at this size; a proof verification makes about
// twenty of these hashes. _hash.test.ts checks it against node:crypto and @noble/hashes.
const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV = Uint32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
/** The padded message: 65 bytes, 0x80, zeros, then the bit length 520 (0x208) big-endian in the last 8 bytes. */
const BLOCKS = new Uint8Array(128);
BLOCKS[65] = 0x80;
BLOCKS[126] = 0x02;
BLOCKS[127] = 0x08;
const W = new Uint32Array(64);
const H = new Uint32Array(8);

function compress(offset: number): void {
  const m = BLOCKS;
  for (let i = 0; i < 16; i++) {
    const o = offset + 4 * i;
    W[i] = (m[o]! << 24) | (m[o + 1]! << 16) | (m[o + 2]! << 8) | m[o + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = H[0]! + a;
  H[1] = H[1]! + b;
  H[2] = H[2]! + c;
  H[3] = H[3]! + d;
  H[4] = H[4]! + e;
  H[5] = H[5]! + f;
  H[6] = H[6]! + g;
  H[7] = H[7]! + h;
}

function hashPair(tag: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  BLOCKS[0] = tag;
  BLOCKS.set(a, 1);
  BLOCKS.set(b, 33);
  H.set(IV);
  compress(0);
  compress(64);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = H[i]!;
    out[4 * i] = v >>> 24;
    out[4 * i + 1] = v >>> 16;
    out[4 * i + 2] = v >>> 8;
    out[4 * i + 3] = v;
  }
  return out;
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
