/**
 * Pointer chasing (issue 12, an attack the adversarial search does not breed: its gadgets never build a chain):
 * a contract fills `pages` of memory with a full-period permutation of word addresses, then loads each next
 * address from the one before until out of gas. Every load waits for the previous one, so it pays the cache's
 * full latency, which no flat load price tracks. Prints gas/s; compare with the honest median of `npm run
 * bench:gas`. Usage: `node dist/bench/pointerChase.js [pages=64] [gas=100000000]`, one size per process.
 * @module
 */
import { evaluate } from './adversarial.js';
import { Lab, loadWabt, wat } from './gasLab.js';

const pages = Number(process.argv[2] ?? 64);
const gas = BigInt(process.argv[3] ?? 100_000_000);
const words = pages * 16_384;
// x -> (x * 1103515245 + 12345) mod words has a full period (the multiplier is 1 mod 4, the increment odd).
const chase = '(local.set $a (i32.load (local.get $a)))'.repeat(10);
const text = `(module (memory (export "memory") ${pages} ${pages})
  (func (export "run") (local $i i32) (local $a i32)
    (loop $fill
      (i32.store (i32.shl (local.get $i) (i32.const 2))
        (i32.shl (i32.and (i32.add (i32.mul (local.get $i) (i32.const 1103515245)) (i32.const 12345))
          (i32.const ${words - 1})) (i32.const 2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const ${words}))))
    (loop $chase ${chase} (br $chase))))`;

await loadWabt();
const lab = await Lab.open();
const result = evaluate(lab, wat(text), gas, 5);
console.log(
  JSON.stringify({
    pages,
    gas: String(gas),
    mgasPerSecond: Math.round(result.gasPerSecond / 1e6),
    ms: Number((result.ns / 1e6).toFixed(1)),
    status: result.status,
  }),
);
await lab.close();
