/**
 * What the explorer costs the devnet: start-up (spawn of `gasket devnet --in-memory --port 0` to the first answered
 * JSON-RPC request) with the explorer on and with `--no-explorer`, alternated run by run, and the time of the
 * first GET / (folder listed, page read) and of a later one (served from memory). Run after `npm run build` and
 * `npm run build:explorer`: `node dist/bench/explorerStartup.js [runs]`.
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../devnet/gasket.js', import.meta.url));
const RUNS = Number(process.argv[2] ?? 15);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function run(flags: string[]): Promise<{ startMs: number; firstGetMs: number; laterGetMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'devnet', '--in-memory', '--port', '0', ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /JSON-RPC\s+(http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`devnet exited (${code}): ${out}`)));
  });
  await fetch(url, { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"chain_id"}' }).then((r) => r.json());
  const startMs = performance.now() - started;
  let t = performance.now();
  await (await fetch(url)).arrayBuffer();
  const firstGetMs = performance.now() - t;
  t = performance.now();
  await (await fetch(url)).arrayBuffer();
  const laterGetMs = performance.now() - t;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { startMs, firstGetMs, laterGetMs };
}

const on: Awaited<ReturnType<typeof run>>[] = [];
const off: Awaited<ReturnType<typeof run>>[] = [];
for (let i = 0; i < RUNS; i++) {
  on.push(await run([]));
  off.push(await run(['--no-explorer']));
}
const fmt = (n: number) => n.toFixed(1);
console.log(`runs: ${RUNS} each, alternated`);
console.log(`start-up, explorer on:   median ${fmt(median(on.map((r) => r.startMs)))} ms`);
console.log(`start-up, --no-explorer: median ${fmt(median(off.map((r) => r.startMs)))} ms`);
console.log(`first GET / (explorer on):  median ${fmt(median(on.map((r) => r.firstGetMs)))} ms`);
console.log(`later GET / (from memory):  median ${fmt(median(on.map((r) => r.laterGetMs)))} ms`);
