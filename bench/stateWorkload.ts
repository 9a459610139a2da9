/**
 * The state benchmarks' workload generator: random keys and values from xorshift128+ with a fixed seed, so
 * bench:state, its commit-path driver and every store they compare see the same bytes.
 * @module
 */

/** The seed of every state benchmark. */
export const STATE_BENCH_SEED = 20261124;

/** xorshift128+ with a fixed seed: the same sequence on every run and machine. */
export function prng(seed: number): () => number {
  let s0 = BigInt(seed) | 1n;
  let s1 = 0x9e3779b97f4a7c15n;
  const mask = (1n << 64n) - 1n;
  return () => {
    let x = s0;
    const y = s1;
    s0 = y;
    x ^= (x << 23n) & mask;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return Number((s1 + y) & 0xffffffffn);
  };
}

/** `count` byte strings of `length` bytes (a multiple of 4) drawn from `next`. */
export function randomBytes(next: () => number, count: number, length: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const b = new Uint8Array(length);
    const v = new DataView(b.buffer);
    for (let j = 0; j < length; j += 4) v.setUint32(j, next());
    out.push(b);
  }
  return out;
}

/**
 * The benchmark's pairs: `count` 32-byte keys then `count` 32-byte values from the seeded generator, and the
 * generator itself, so a caller can draw more (bench:state's absent keys) after them.
 */
export function statePairs(count: number): { next: () => number; keys: Uint8Array[]; values: Uint8Array[] } {
  const next = prng(STATE_BENCH_SEED);
  const keys = randomBytes(next, count, 32);
  const values = randomBytes(next, count, 32);
  return { next, keys, values };
}
