/**
 * Benchmark kernel: insertion sort of a pseudo-random i32 array in linear memory (quadratic: many short
 * inner-loop iterations with a load, a compare and a store each), repeated.
 * AssemblyScript, integers only; compiled by bench/metering.ts at bench time.
 * @module
 */

const COUNT: i32 = 2000;
const DATA = memory.data(COUNT * 4, 4);

/** n sorts of a fresh xorshift-filled array; the checksum weighs each element by its position. */
export function run(n: i32): i64 {
  let seed: u32 = 0x9e3779b9;
  let checksum: i64 = 0;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < COUNT; i++) {
      seed ^= seed << 13;
      seed ^= seed >> 17;
      seed ^= seed << 5;
      store<i32>(DATA + ((<usize>i) << 2), <i32>(seed & 0xffffff) - 0x800000);
    }
    for (let i = 1; i < COUNT; i++) {
      const key = load<i32>(DATA + ((<usize>i) << 2));
      let j = i - 1;
      while (j >= 0 && load<i32>(DATA + ((<usize>j) << 2)) > key) {
        store<i32>(DATA + ((<usize>(j + 1)) << 2), load<i32>(DATA + ((<usize>j) << 2)));
        j--;
      }
      store<i32>(DATA + ((<usize>(j + 1)) << 2), key);
    }
    for (let i = 0; i < COUNT; i++) checksum += <i64>load<i32>(DATA + ((<usize>i) << 2)) * <i64>(i + 1);
  }
  return checksum;
}
