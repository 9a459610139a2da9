/**
 * Benchmark kernel: naive recursive Fibonacci. Call-dominated (about 1.6 fib(n) calls, each a few
 * instructions), so it shows the cost of the metered call prologue and epilogue (stack budget, gas local).
 * AssemblyScript, integers only; compiled by bench/metering.ts at bench time.
 * @module
 */

function fib(n: i32): i64 {
  if (n < 2) return n as i64;
  return fib(n - 1) + fib(n - 2);
}

/** fib(n), computed by the doubly recursive definition. */
export function run(n: i32): i64 {
  return fib(n);
}
