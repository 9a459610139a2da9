/**
 * Pointer chasing (issue 12), one memory size per process: the chase alone (fill, then chase until out of gas, less
 * the fill) in gas/s; compare with the honest median of `npm run bench:gas`, which runs the same chase at every
 * load-price class boundary. Usage: `node dist/bench/pointerChase.js [pages=64] [gas=100000000]`.
 * @module
 */
import { evaluatePointerChase } from './adversarial.js';
import { Lab, loadWabt } from './gasLab.js';

const pages = Number(process.argv[2] ?? 64);
const gas = BigInt(process.argv[3] ?? 100_000_000);

await loadWabt();
const lab = await Lab.open();
const result = evaluatePointerChase(lab, pages, gas, 5);
console.log(
  JSON.stringify({
    pages,
    gas: String(result.gas),
    mgasPerSecond: Math.round(result.gasPerSecond / 1e6),
    ms: Number((result.ns / 1e6).toFixed(1)),
    status: result.status,
  }),
);
await lab.close();
