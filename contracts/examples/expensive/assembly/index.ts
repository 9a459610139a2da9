// Deliberately expensive methods, for benchmarks and gas tests.
//   hashChain(n: u32, algo: string) -> bytes: h = sha256|keccak256|blake3(h) n times from 32 zero bytes (host hashing).
//   sha256Wasm(n: u32) -> bytes: the same chain with sha256 computed in wasm (no host call).
//   mix(n: u64) -> u64: an xorshift/multiply loop of n rounds (pure arithmetic).
//   fill(n: u32) -> u32: writes n storage slots; touchMemory(kib: u32) -> u64: touches kib KiB of fresh memory.
import { Args, blake3, keccak256, panic, returnValue, sha256, storageWrite } from "../../../sdk/assembly";

export function hashChain(): void {
  const args = new Args();
  const n = args.u32();
  const algo = args.string();
  args.done();
  let h = new Uint8Array(32);
  for (let i: u32 = 0; i < n; i++) {
    if (algo == "sha256") h = sha256(h);
    else if (algo == "keccak256") h = keccak256(h);
    else if (algo == "blake3") h = blake3(h);
    else panic("unknown hash " + algo);
  }
  returnValue<Uint8Array>(h);
}

export function mix(): void {
  const args = new Args();
  const n = args.u64();
  args.done();
  let x: u64 = 0x9e3779b97f4a7c15;
  let acc: u64 = 0;
  for (let i: u64 = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    acc = acc * 31 + (x ^ i);
  }
  returnValue<u64>(acc);
}

export function fill(): void {
  const args = new Args();
  const n = args.u32();
  args.done();
  const key = new Uint8Array(8);
  const value = new Uint8Array(32);
  for (let i: u32 = 0; i < n; i++) {
    store<u32>(key.dataStart, i);
    store<u32>(value.dataStart, i * 7);
    storageWrite(key, value);
  }
  returnValue<u32>(n);
}

export function touchMemory(): void {
  const args = new Args();
  const kib = args.u32();
  args.done();
  const block = new Uint8Array(<i32>kib << 10);
  let sum: u64 = 0;
  for (let i = 0; i < block.length; i += 64) {
    block[i] = <u8>i;
    sum += block[i];
  }
  returnValue<u64>(sum);
}

// sha256 in wasm (FIPS 180-4), 32-byte input per block chain step.
// @ts-ignore: decorator
@inline function rotr(x: u32, n: u32): u32 {
  return (x >>> n) | (x << (32 - n));
}

const K: StaticArray<u32> = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/** sha256 of exactly 32 bytes (one padded block) into `out`. */
function sha256Of32(input: Uint8Array, out: Uint8Array, w: StaticArray<u32>): void {
  for (let i = 0; i < 8; i++) w[i] = bswap<u32>(load<u32>(input.dataStart + <usize>(i << 2)));
  w[8] = 0x80000000;
  for (let i = 9; i < 15; i++) w[i] = 0;
  w[15] = 256;
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15];
    const b = w[i - 2];
    const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
    const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  let a: u32 = 0x6a09e667, b: u32 = 0xbb67ae85, c: u32 = 0x3c6ef372, d: u32 = 0xa54ff53a;
  let e: u32 = 0x510e527f, f: u32 = 0x9b05688c, g: u32 = 0x1f83d9ab, h: u32 = 0x5be0cd19;
  for (let i = 0; i < 64; i++) {
    const t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  const p = out.dataStart;
  store<u32>(p, bswap<u32>(a + 0x6a09e667));
  store<u32>(p, bswap<u32>(b + 0xbb67ae85), 4);
  store<u32>(p, bswap<u32>(c + 0x3c6ef372), 8);
  store<u32>(p, bswap<u32>(d + 0xa54ff53a), 12);
  store<u32>(p, bswap<u32>(e + 0x510e527f), 16);
  store<u32>(p, bswap<u32>(f + 0x9b05688c), 20);
  store<u32>(p, bswap<u32>(g + 0x1f83d9ab), 24);
  store<u32>(p, bswap<u32>(h + 0x5be0cd19), 28);
}

export function sha256Wasm(): void {
  const args = new Args();
  const n = args.u32();
  args.done();
  let h = new Uint8Array(32);
  let next = new Uint8Array(32);
  const w = new StaticArray<u32>(64);
  for (let i: u32 = 0; i < n; i++) {
    sha256Of32(h, next, w);
    const t = h;
    h = next;
    next = t;
  }
  returnValue<Uint8Array>(h);
}
