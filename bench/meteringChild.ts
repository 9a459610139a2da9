/**
 * The child-process side of the metering benchmark (bench/metering.ts), kept free of static imports so that a
 * fresh process measures what loading a tool costs:
 * - `cold instrument|binaryen FILE`: the import of one tool, then its first call on one module (JSON on stdout);
 * - `wasm-metering FILE REPS`: wasm-metering's `meterWASM` once to warm up, then REPS calls timed in CPU ms (median, JSON).
 *   It runs here because on some modules it exhausts V8's array limits and takes the process down.
 * - `instrument REPS FILE...`: Gasket's `instrument` as a long-lived worker runs it: two untimed passes over all the
 *   files (warm), then REPS calls per file timed in CPU ms (a JSON array of medians, or of error strings). In a
 *   process of its own, like wasm-metering, so neither tool's timing counts the other's garbage or heap.
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TOOLING_OPTIONS } from './meteringInputs.js';

type Binaryen = {
  readBinary(bytes: Uint8Array): { setFeatures(f: number): void; emitBinary(): Uint8Array; dispose(): void };
  Features: { All: number };
};
type WasmMetering = { meterWASM(wasm: Uint8Array, opts?: { meterType?: string }): Uint8Array };

const [mode, first, second] = process.argv.slice(2);
if (mode === 'cold') await cold(first!, second!);
else if (mode === 'wasm-metering') wasmMetering(first!, Number(second));
else if (mode === 'instrument') await instrumentWarm(Number(first), process.argv.slice(4));
else
  throw new Error(
    `usage: meteringChild.js cold instrument|binaryen FILE | wasm-metering FILE REPS | instrument REPS FILE...`,
  );

async function cold(which: string, path: string): Promise<void> {
  const bytes = new Uint8Array(readFileSync(path));
  const start = performance.now();
  if (which === 'instrument') {
    const metering = await import('../metering/index.js');
    const imported = performance.now();
    metering.instrument(bytes, TOOLING_OPTIONS);
    console.log(JSON.stringify({ importMs: imported - start, firstMs: performance.now() - imported }));
  } else {
    const binaryen = ((await import('binaryen')) as unknown as { default: Binaryen }).default;
    const imported = performance.now();
    const module = binaryen.readBinary(bytes);
    module.setFeatures(binaryen.Features.All);
    module.emitBinary();
    module.dispose();
    console.log(JSON.stringify({ importMs: imported - start, firstMs: performance.now() - imported }));
  }
}

async function instrumentWarm(reps: number, paths: readonly string[]): Promise<void> {
  const { instrument } = await import('../metering/index.js');
  const modules = paths.map((path) => new Uint8Array(readFileSync(path)));
  const run = (bytes: Uint8Array): string | undefined => {
    try {
      instrument(bytes, TOOLING_OPTIONS);
      return undefined;
    } catch (error) {
      const code = (error as { code?: string }).code;
      return `fails${code ? ` (${code})` : ''}`;
    }
  };
  for (let pass = 0; pass < 2; pass++) for (const bytes of modules) run(bytes);
  const results = modules.map((bytes): number | string => {
    const failure = run(bytes);
    if (failure) return failure;
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const begin = process.cpuUsage();
      instrument(bytes, TOOLING_OPTIONS);
      const used = process.cpuUsage(begin);
      times.push((used.user + used.system) / 1000);
    }
    times.sort((a, b) => a - b);
    const mid = times.length >> 1;
    return times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  });
  console.log(JSON.stringify(results));
}

function wasmMetering(path: string, count: number): void {
  const meter = (createRequire(import.meta.url)('wasm-metering') as WasmMetering).meterWASM;
  const bytes = Buffer.from(readFileSync(path));
  try {
    meter(bytes, { meterType: 'i32' });
  } catch (error) {
    console.log(JSON.stringify({ error: (error as Error).message.slice(0, 60) }));
    return;
  }
  const times: number[] = [];
  for (let r = 0; r < count; r++) {
    const begin = process.cpuUsage();
    meter(bytes, { meterType: 'i32' });
    const used = process.cpuUsage(begin);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  console.log(JSON.stringify({ ms: times.length % 2 ? times[mid] : (times[mid - 1]! + times[mid]!) / 2 }));
}
