/**
 * Benchmark kernel: 64x64 i64 matrix multiply in linear memory, n times, each product feeding the next.
 * 64-bit multiplies and adds with strided loads.
 * AssemblyScript, integers only; compiled by bench/metering.ts at bench time.
 * @module
 */

const N: i32 = 64;
const A = memory.data(N * N * 8, 8);
const B = memory.data(N * N * 8, 8);
const P = memory.data(N * N * 8, 8);

@inline
function at(base: usize, row: i32, col: i32): usize {
  return base + ((<usize>(row * N + col)) << 3);
}

/** A and B from a fixed formula; n times P = A x B, then A = P xor a row shift; returns the sum of P. */
export function run(n: i32): i64 {
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      store<i64>(at(A, i, j), <i64>((i * 31 + j * 17) % 101) - 50);
      store<i64>(at(B, i, j), <i64>((i * 7 + j * 13) % 97) - 48);
    }
  }
  let sum: i64 = 0;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        let acc: i64 = 0;
        for (let k = 0; k < N; k++) acc += load<i64>(at(A, i, k)) * load<i64>(at(B, k, j));
        store<i64>(at(P, i, j), acc);
      }
    }
    sum = 0;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const v = load<i64>(at(P, i, j));
        sum += v;
        store<i64>(at(A, i, j), (v >> 8) ^ <i64>(i - j));
      }
    }
  }
  return sum;
}
