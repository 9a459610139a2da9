/**
 * The inputs of the metering benchmark (bench/metering.ts), built at bench time into a temporary directory so no
 * build product is committed: the AssemblyScript compute kernels of bench/kernels/ (in the default feature set for
 * raw and Gasket runs, and as MVP for wasm-metering, whose parser knows only MVP), and a corpus of modules of
 * 1 KB to 1 MB for instrumentation speed: real contracts from a directory when given, binaryen fuzz modules from
 * seeded input, and AssemblyScript programs that use the standard library.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MeteringLimits } from '../metering/index.js';

/** The repository root, from dist/bench/ (built) or bench/ (sources). */
export const REPO_ROOT = findRoot();

/** Modules of the speed corpus use floats, foreign imports, many globals: tooling mode with wide limits. */
const BENCH_LIMITS: Partial<MeteringLimits> = {
  maxModuleBytes: 16 << 20,
  maxFunctions: 1_000_000,
  maxTypes: 1_000_000,
  maxImports: 1_000_000,
  maxExports: 1_000_000,
  maxGlobals: 1_000_000,
  maxDataSegments: 1_000_000,
  maxElementSegments: 1_000_000,
  maxTableSize: 10_000_000,
  maxBrTableTargets: 1_000_000,
  maxNestingDepth: 100_000,
  maxLocalsPerFunction: 100_000,
  maxParams: 1_000,
  maxResults: 1_000,
};
/** The options of every `instrument()` call on the speed corpus. */
export const TOOLING_OPTIONS = { tooling: true, limits: BENCH_LIMITS } as const;

export type Kernel = {
  readonly name: string;
  /** What it stresses, for the report. */
  readonly note: string;
  /** The argument of `run(n)`, sized for some 20 to 60 ms a raw call on a 2-core machine. */
  readonly n: number;
  /** Default features (sign extension, bulk memory, mutable globals): what Gasket meters. */
  readonly wasm: Uint8Array;
  /** `--disable` of every post-MVP feature: what wasm-metering can parse. */
  readonly mvpWasm: Uint8Array;
};

export const KERNELS: readonly { name: string; note: string; n: number }[] = [
  { name: 'fibIter', note: 'one i64 add a loop iteration', n: 150_000_000 },
  { name: 'fibRecursive', note: 'calls: about 5.7M calls of a few instructions', n: 33 },
  { name: 'sieve', note: 'byte loads and stores in nested loops', n: 40 },
  { name: 'insertionSort', note: 'short inner loop: load, compare, store', n: 40 },
  { name: 'sha256', note: '32-bit rotates and adds, 64-step rounds', n: 8_000 },
  { name: 'keccak', note: 'keccak-f[1600]: 64-bit xors and rotates over memory lanes', n: 15_000 },
  { name: 'matmul', note: '64x64 i64 matrix multiply', n: 150 },
  { name: 'msgpack', note: 'byte-dispatch decoding, short calls', n: 6_000 },
];

const MVP_FLAGS = [
  '--disable',
  'sign-extension',
  '--disable',
  'bulk-memory',
  '--disable',
  'mutable-globals',
  '--disable',
  'nontrapping-f2i',
];

/** Compiles one AssemblyScript file with the installed compiler; throws with asc's diagnostics on failure. */
export async function compileAssemblyScript(
  source: string,
  out: string,
  flags: readonly string[],
): Promise<Uint8Array> {
  // Loaded on first use: the benchmark's child processes import this file and must not pay for the compiler.
  const { main: ascMain } = await import('assemblyscript/asc');
  const stderr: string[] = [];
  const result = await ascMain([source, '-o', out, ...flags], {
    stdout: { write: () => true } as never,
    stderr: { write: (chunk: string | Uint8Array) => stderr.push(String(chunk)) > 0 } as never,
  });
  if (result.error) throw new Error(`asc ${basename(source)}: ${result.error.message}\n${stderr.join('')}`);
  return new Uint8Array(readFileSync(out));
}

export async function buildKernels(dir: string): Promise<Kernel[]> {
  const kernels: Kernel[] = [];
  for (const kernel of KERNELS) {
    const source = join(REPO_ROOT, 'bench', 'kernels', `${kernel.name}.as.ts`);
    const base = ['-O3', '--runtime', 'stub', '--noAssert'];
    const wasm = await compileAssemblyScript(source, join(dir, `${kernel.name}.wasm`), base);
    const mvpWasm = await compileAssemblyScript(source, join(dir, `${kernel.name}.mvp.wasm`), [...base, ...MVP_FLAGS]);
    kernels.push({ ...kernel, wasm, mvpWasm });
  }
  return kernels;
}

export type CorpusModule = {
  readonly name: string;
  readonly kind: 'contract' | 'fuzz' | 'asc-std';
  readonly bytes: Uint8Array;
};

/** Real contracts: every .wasm file of `dir` (not committed: see docs/benchmarks.md for the set measured). */
export function loadContracts(dir: string | undefined): CorpusModule[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.wasm'))
    .sort()
    .map((file) => ({
      name: file.replace(/\.wasm$/, ''),
      kind: 'contract' as const,
      bytes: new Uint8Array(readFileSync(join(dir, file))),
    }));
}

/**
 * binaryen's `--translate-to-fuzz` turns arbitrary bytes into a valid module (floats, many globals, deep nesting),
 * from an xorshift stream here so every run measures the same modules. The features are the ones Gasket's tooling
 * mode accepts. Output sizes grow with the input but not smoothly.
 */
export function buildFuzzModules(dir: string, inputSizes: readonly number[]): CorpusModule[] {
  const wasmOpt = join(REPO_ROOT, 'node_modules', 'binaryen', 'bin', 'wasm-opt');
  return inputSizes.map((size) => {
    const input = join(dir, `fuzz-${size}.bin`);
    const out = join(dir, `fuzz-${size}.wasm`);
    writeFileSync(input, seededBytes(size, 0x9e3779b9 ^ size));
    execFileSync(
      process.execPath,
      [
        wasmOpt,
        input,
        '--translate-to-fuzz',
        '--mvp-features',
        '--enable-sign-ext',
        '--enable-bulk-memory',
        '--enable-mutable-globals',
        '--enable-multivalue',
        '--enable-nontrapping-float-to-int',
        '-o',
        out,
      ],
      { stdio: 'ignore' },
    );
    return { name: `fuzz-${formatInput(size)}`, kind: 'fuzz' as const, bytes: new Uint8Array(readFileSync(out)) };
  });
}

/**
 * AssemblyScript programs with `functions` exported functions each using Map, Array, sort (a closure and
 * call_indirect), String concatenation and number formatting, compiled -O0 with the incremental GC: large, library-
 * heavy modules. MVP features only, so wasm-metering measures the same bytes.
 */
export async function buildStdPrograms(dir: string, functionCounts: readonly number[]): Promise<CorpusModule[]> {
  const modules: CorpusModule[] = [];
  for (const count of functionCounts) {
    const source = join(dir, `std-${count}.ts`);
    writeFileSync(source, stdProgram(count));
    const bytes = await compileAssemblyScript(source, join(dir, `std-${count}.wasm`), [
      '-O0',
      '--runtime',
      'incremental',
      ...MVP_FLAGS,
    ]);
    modules.push({ name: `asc-std-${count}fn`, kind: 'asc-std', bytes });
  }
  return modules;
}

function stdProgram(count: number): string {
  let source = '';
  for (let i = 0; i < count; i++) {
    source += `
export function f${i}(n: i32): i32 {
  const m = new Map<string, i32>();
  const a = new Array<i32>();
  let text = "k${i}";
  for (let j = 0; j < n; j++) {
    text = text + j.toString();
    m.set(text, j * ${i + 3});
    a.push(j ^ ${i});
  }
  a.sort((x: i32, y: i32): i32 => x - y);
  let h = a.length;
  for (let j = 0; j < a.length; j++) h = h * 31 + a[j] + (m.has(text) ? 1 : 0);
  return h + text.length + text.indexOf("${i % 10}");
}
`;
  }
  return source;
}

function seededBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    bytes[i] = s & 0xff;
  }
  return bytes;
}

function formatInput(size: number): string {
  return size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`;
}

function findRoot(): string {
  for (const up of ['../..', '..']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'bench', 'kernels')) && existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error('cannot find the repository root (bench/kernels) from the benchmark script');
}
