/**
 * Interleaved A/B of `instrument()` between two builds, for metering speed work on a shared machine: the same
 * process loads `<A>/dist/metering/index.js` and `<B>/dist/metering/index.js` (two git worktrees, each built with
 * `tsc -p tsconfig.build.json`), first checks that both give the same code, code hash, report and exports (or the
 * same rejection) for every module under several option sets, then measures the process CPU per call of each module,
 * A and B alternating round by round, and prints per-module medians and B/A. Process CPU includes V8's
 * validation threads, as the benchmark's does. Timing one build after the other on this machine mixes its load
 * changes into the result; alternating does not.
 *
 *     node dist/bench/meteringAB.js <A root> <B root> [rounds] [module dir or .wasm, ...]
 *
 * Defaults: 21 rounds; the nine small contracts of docs/benchmarks.md from $GASKET_BENCH_CONTRACTS
 * (or /tmp/gasket-contracts). The identity check covers every .wasm file of the directories named (or of that
 * directory). BENCH_PER (calls per module per round, default 20).
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TOOLING_OPTIONS } from './meteringInputs.js';

type Instrument = (
  wasm: Uint8Array,
  options?: object,
) => {
  code: Uint8Array;
  codeHash: Uint8Array;
  report: object;
  exports: readonly object[];
  scheduleVersion: number;
  limitsVersion: number | undefined;
};
type MeteringModule = { instrument: Instrument; SCHEDULES: Readonly<Record<number, object>> };

const SMALL_CONTRACTS = [
  'mvx-erc20',
  'mvx-lottery-esdt',
  'mvx-multisig-full',
  'graph-abi-store-value',
  'graph-json-parsing',
  'graph-yaml-parsing',
  'soroban-liquidity-pool',
  'eos-token',
  'soroban-token',
];

async function load(root: string): Promise<MeteringModule> {
  return (await import(resolve(root, 'dist/metering/index.js'))) as MeteringModule;
}

/** Every .wasm file named, or in a directory named. */
function wasmFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (statSync(path).isDirectory()) {
      for (const file of readdirSync(path).sort()) if (file.endsWith('.wasm')) files.push(join(path, file));
    } else files.push(path);
  }
  return files;
}

/** What one call gives, as a string to compare: the output and its report, or the rejection. */
function outcome(instrument: Instrument, wasm: Uint8Array, options: object): string {
  try {
    const r = instrument(wasm, options);
    return JSON.stringify({
      code: Buffer.from(r.code).toString('base64'),
      hash: Buffer.from(r.codeHash).toString('hex'),
      report: r.report,
      exports: r.exports,
      schedule: r.scheduleVersion,
      limits: r.limitsVersion,
    });
  } catch (error) {
    const e = error as { code?: string; message?: string; location?: unknown };
    return `rejected ${e.code} ${e.message} ${JSON.stringify(e.location ?? null)}`;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1]!;
}

async function main(): Promise<void> {
  const [rootA, rootB, roundsArg, ...paths] = process.argv.slice(2);
  if (!rootA || !rootB) throw new Error('usage: meteringAB.js <A root> <B root> [rounds] [module dir or .wasm, ...]');
  const rounds = Number(roundsArg ?? 21);
  const per = Number(process.env.BENCH_PER ?? 20);
  const contracts = process.env.GASKET_BENCH_CONTRACTS ?? '/tmp/gasket-contracts';
  const a = await load(rootA);
  const b = await load(rootB);

  // identity first: a faster build that changes a byte is a different schedule, not a speed-up
  const optionSets: object[] = [
    TOOLING_OPTIONS,
    {},
    { tooling: true, loopVersioning: false },
    { tooling: true, initialGas: 12_345n },
    ...Object.values(a.SCHEDULES).map((schedule) => ({ ...TOOLING_OPTIONS, schedule })),
  ];
  const checked = wasmFiles(paths.length > 0 ? paths : [contracts]);
  let differ = 0;
  for (const file of checked) {
    const wasm = new Uint8Array(readFileSync(file));
    for (const options of optionSets) {
      if (outcome(a.instrument, wasm, options) !== outcome(b.instrument, wasm, options)) {
        differ++;
        console.log(`differs: ${file}`);
      }
    }
  }
  console.log(`identity: ${checked.length} modules x ${optionSets.length} option sets, ${differ} differ`);
  if (differ > 0) process.exitCode = 1;

  const timed = paths.length > 0 ? checked : SMALL_CONTRACTS.map((name) => join(contracts, `${name}.wasm`));
  const modules = timed.map((file) => new Uint8Array(readFileSync(file)));
  const builds = [a.instrument, b.instrument];
  for (let warm = 0; warm < 100; warm++) for (const f of builds) for (const m of modules) f(m, TOOLING_OPTIONS);
  const cpu = modules.map(() => [[] as number[], [] as number[]]);
  for (let round = 0; round < rounds; round++) {
    for (const k of round % 2 ? [1, 0] : [0, 1]) {
      const f = builds[k]!;
      modules.forEach((m, i) => {
        const start = process.cpuUsage();
        for (let j = 0; j < per; j++) f(m, TOOLING_OPTIONS);
        const used = process.cpuUsage(start);
        cpu[i]![k]!.push((used.user + used.system) / per);
      });
    }
  }
  let sumA = 0;
  let sumB = 0;
  timed.forEach((file, i) => {
    const ma = median(cpu[i]![0]!);
    const mb = median(cpu[i]![1]!);
    sumA += ma;
    sumB += mb;
    const name = file
      .split('/')
      .pop()!
      .replace(/\.wasm$/, '');
    console.log(
      `${name.padEnd(28)} A ${ma.toFixed(1).padStart(8)} us  B ${mb.toFixed(1).padStart(8)} us  B/A ${(mb / ma).toFixed(3)}`,
    );
  });
  console.log(
    `sum A ${sumA.toFixed(0)} us  B ${sumB.toFixed(0)} us  B/A ${(sumB / sumA).toFixed(3)} (${rounds} rounds)`,
  );
}

await main();
