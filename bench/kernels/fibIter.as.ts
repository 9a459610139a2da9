/**
 * Benchmark kernel: iterative Fibonacci with wrapping i64 arithmetic. The tightest loop there is (one add, one
 * compare a step), so it shows the per-iteration cost of a gas charge at its worst.
 * AssemblyScript, integers only; compiled by bench/metering.ts at bench time.
 * @module
 */

/** fib(n) mod 2^64, computed by iteration. */
export function run(n: i32): i64 {
  let a: i64 = 0;
  let b: i64 = 1;
  for (let i = 0; i < n; i++) {
    const t = a + b;
    a = b;
    b = t;
  }
  return a;
}
