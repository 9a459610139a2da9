/**
 * Benchmark kernel: sieve of Eratosthenes over a byte array in linear memory, repeated. Byte loads and stores
 * in nested loops.
 * AssemblyScript, integers only; compiled by bench/metering.ts at bench time.
 * @module
 */

const LIMIT: i32 = 1 << 20;
const FLAGS = memory.data(LIMIT);

function sieveOnce(): i32 {
  memory.fill(FLAGS, 1, LIMIT);
  store<u8>(FLAGS, 0);
  store<u8>(FLAGS + 1, 0);
  for (let i = 2; i * i < LIMIT; i++) {
    if (load<u8>(FLAGS + i)) {
      for (let j = i * i; j < LIMIT; j += i) store<u8>(FLAGS + j, 0);
    }
  }
  let count = 0;
  for (let i = 0; i < LIMIT; i++) count += load<u8>(FLAGS + i);
  return count;
}

/** The number of primes below 2^20 (82,025), summed over n sieves. */
export function run(n: i32): i64 {
  let total: i64 = 0;
  for (let r = 0; r < n; r++) total += sieveOnce();
  return total;
}
