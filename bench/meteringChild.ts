/**
 * The child-process side of the metering benchmark (bench/metering.ts), kept free of static imports so that a
 * fresh process measures what loading a tool costs:
 * - `cold instrument|binaryen FILE`: the import of one tool, then its first call on one module (JSON on stdout);
 * - `probe wasm-metering FILE`: one call, to learn whether wasm-metering survives the module (on some it exhausts V8's
 *   array limits and takes its process down);
 * - `warm instrument|wasm-metering REPS FILE...`: one tool in a long-lived process of its own, as a deploy worker
 *   runs, the same rule for both tools: two untimed passes over all the files, then per file untimed calls until it
 *   is warm again (at least one, then until 20 calls or 300 ms of CPU), then at least REPS timed calls (more, up to
 *   200, until 100 ms of CPU are timed); a JSON array of median CPU ms (or error strings). The per-file warm-up
 *   keeps the collection of the other files' garbage out of a file's timing: without it the first file timed,
 *   cw-empty, measured 4.8 ms against 0.7-1.3 ms.
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

const WARM_CALLS = 20;
const WARM_CPU_MS = 300;
const TIMED_CPU_MS = 100;
const MAX_TIMED_CALLS = 200;

const [mode, first, second] = process.argv.slice(2);
if (mode === 'cold') await cold(first!, second!);
else if (mode === 'probe') probe(first!);
else if (mode === 'warm') await warm(first!, Number(second), process.argv.slice(5));
else {
  throw new Error(
    'usage: meteringChild.js cold instrument|binaryen FILE | probe FILE | warm instrument|wasm-metering REPS FILE...',
  );
}

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

function wasmMeteringTool(): (bytes: Uint8Array) => unknown {
  const meter = (createRequire(import.meta.url)('wasm-metering') as WasmMetering).meterWASM;
  return (bytes) => meter(Buffer.from(bytes), { meterType: 'i32' });
}

function probe(path: string): void {
  try {
    wasmMeteringTool()(new Uint8Array(readFileSync(path)));
    console.log(JSON.stringify({ ok: true }));
  } catch (error) {
    console.log(JSON.stringify({ error: (error as Error).message.slice(0, 60) }));
  }
}

async function warm(which: string, reps: number, paths: readonly string[]): Promise<void> {
  let tool: (bytes: Uint8Array) => unknown;
  if (which === 'instrument') {
    const { instrument } = await import('../metering/index.js');
    tool = (input) => instrument(input, TOOLING_OPTIONS);
  } else tool = wasmMeteringTool();
  const modules = paths.map((path) => new Uint8Array(readFileSync(path)));
  const failures = new Map<Uint8Array, string>();
  const attempt = (bytes: Uint8Array): void => {
    try {
      tool(bytes);
    } catch (error) {
      const code = (error as { code?: string }).code;
      failures.set(bytes, `fails (${code ?? (error as Error).message.slice(0, 60)})`);
    }
  };
  for (let pass = 0; pass < 2; pass++) for (const bytes of modules) if (!failures.has(bytes)) attempt(bytes);
  const cpuMs = (bytes: Uint8Array): number => {
    const begin = process.cpuUsage();
    tool(bytes);
    const used = process.cpuUsage(begin);
    return (used.user + used.system) / 1000;
  };
  const results = modules.map((bytes): number | string => {
    const failure = failures.get(bytes);
    if (failure) return failure;
    for (let calls = 0, spent = 0; calls === 0 || (calls < WARM_CALLS && spent < WARM_CPU_MS); calls++) {
      spent += cpuMs(bytes);
    }
    const times: number[] = [];
    for (let spent = 0; times.length < reps || (spent < TIMED_CPU_MS && times.length < MAX_TIMED_CALLS); ) {
      const ms = cpuMs(bytes);
      times.push(ms);
      spent += ms;
    }
    times.sort((a, b) => a - b);
    const mid = times.length >> 1;
    return times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  });
  console.log(JSON.stringify(results));
}
