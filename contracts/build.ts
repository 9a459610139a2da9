/**
 * Builds AssemblyScript contracts with the installed compiler (assemblyscript 0.28) into modules that metering
 * accepts: the SDK's own runtime (contracts/sdk/assembly/rt, a bump allocator with no start function), `-O3`,
 * assertions kept (they are contract checks), no exported runtime, default features (sign extension, bulk memory,
 * mutable globals). Paths are given to asc relative to the repository root and output is captured in memory, so the
 * same sources give the same bytes on any machine. Each build is checked: it must have no start section and pass
 * `instrument()` (so no floats, SIMD or foreign imports), and it gets a `gasket:interface` custom section when an
 * interface is declared. Builds are cached on disk (buildCache.ts). C contracts go through clang instead of asc
 * (buildC.ts, `buildCContract`) and the same checks. Run as a script (`npm run build:contracts`) it writes every
 * example to a folder.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { instrument } from '../metering/index.js';
import { CToolchainError, compileC, ensureCToolchain } from './buildC.js';
import {
  BUILD_CACHE_FORMAT,
  buildCacheEnabled,
  buildCacheStats,
  cacheKey,
  dropCached,
  hashTree,
  readCached,
  sourceClosure,
  writeCached,
} from './buildCache.js';
import { type ContractInterface, encodeInterfaceSection, INTERFACE_SECTION } from './interface.js';

/** The repository root, from contracts/ (sources) or dist/contracts/ (built). */
export const REPO_ROOT = findRoot();

/** The SDK's runtime, as asc's `--runtime` takes it (relative to the root, no extension). */
export const SDK_RUNTIME = 'contracts/sdk/assembly/rt/index';

/**
 * asc flags every contract is built with (besides the entry, `--runtime` and output). The memory maximum of 16
 * pages (1 MiB) puts a contract's loads in a cheaper price class (metering/SPEC.md, "Loads by reachable memory":
 * 90 gas a load against 190 at the 64-page cap); a contract that needs more memory passes its own
 * `--maximumMemory` in `flags` (the last one wins).
 */
export const ASC_FLAGS: readonly string[] = Object.freeze(['-O3', '--noColors', '--maximumMemory', '16']);

export type BuildOptions = {
  /** Extra asc flags (e.g. `['-O0']` or `['--debug']`); appended after ASC_FLAGS. */
  readonly flags?: readonly string[];
  /** Written as the `gasket:interface` custom section. */
  readonly interface?: ContractInterface;
  /** Skip the metering check (tools that want to look at a rejected module). Default false. */
  readonly skipMeteringCheck?: boolean;
  /**
   * The folder asc resolves paths from (and names sources by, in assertion messages): the repository root by
   * default; a contract project outside it passes its own root, and imports the SDK as the package
   * `gasket/contracts/sdk/assembly` from its node_modules.
   */
  readonly baseDir?: string;
  /** Use the build cache (node_modules/.cache/gasket-contracts). Default true; `GASKET_NO_BUILD_CACHE=1` wins. */
  readonly cache?: boolean;
};

/** Where cached builds are kept. */
export const BUILD_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'gasket-contracts');

export class ContractBuildError extends Error {
  override readonly name = 'ContractBuildError';
}

type AscMain = typeof import('assemblyscript/asc')['main'];
let ascMain: Promise<AscMain> | undefined;

/**
 * Compiles one AssemblyScript entry file (a path relative to the repository root, or absolute) to wasm bytes.
 * Throws ContractBuildError with asc's diagnostics, or when the output has a start section or metering rejects it.
 */
export async function buildContract(entry: string, options: BuildOptions = {}): Promise<Uint8Array> {
  const baseDir = options.baseDir === undefined ? REPO_ROOT : resolve(options.baseDir);
  const source = toRelative(baseDir, entry);
  const args = [source, '--runtime', runtimeFor(baseDir), ...ASC_FLAGS, ...(options.flags ?? []), '-o', 'out.wasm'];
  const key = buildCacheEnabled(options.cache) ? buildKey(baseDir, source, args, options) : undefined;
  if (key) {
    const cached = readCached(BUILD_CACHE_DIR, key);
    if (cached && passesChecks(cached, options)) {
      buildCacheStats.hits++;
      return cached;
    }
    if (cached) dropCached(BUILD_CACHE_DIR, key);
    buildCacheStats.misses++;
  }
  const main = await (ascMain ??= import('assemblyscript/asc').then((asc) => asc.main));
  const outputs = new Map<string, Uint8Array>();
  const stderr: string[] = [];
  const result = await main([...args, '--baseDir', baseDir], {
    stdout: { write: () => true } as never,
    stderr: { write: (chunk: string | Uint8Array) => stderr.push(String(chunk)) > 0 } as never,
    writeFile: (name: string, contents: Uint8Array | string) => {
      outputs.set(name, typeof contents === 'string' ? new TextEncoder().encode(contents) : contents);
    },
  });
  if (result.error) throw new ContractBuildError(`asc ${source}: ${result.error.message}\n${stderr.join('')}`);
  const wasm = outputs.get('out.wasm');
  if (!wasm) throw new ContractBuildError(`asc ${source}: no output`);
  const bytes = checkBuilt(new Uint8Array(wasm), source, options);
  if (key) writeCached(BUILD_CACHE_DIR, key, bytes);
  return bytes;
}

/**
 * Compiles a C contract (one source file, relative to the repository root or absolute; it includes the SDK header
 * `gasket.h` from contracts/sdk/c) with clang (contracts/buildC.ts, installed with apt-get if missing), then runs
 * the same checks as buildContract. `options.flags` are extra clang flags; not cached (clang takes milliseconds).
 */
export async function buildCContract(entry: string, options: BuildOptions = {}): Promise<Uint8Array> {
  const baseDir = options.baseDir === undefined ? REPO_ROOT : resolve(options.baseDir);
  const source = toRelative(baseDir, entry);
  let bytes: Uint8Array;
  try {
    bytes = await compileC(baseDir, [source], {
      includes: [toRelative(baseDir, join(REPO_ROOT, 'contracts', 'sdk', 'c'))],
      flags: options.flags,
    });
  } catch (error) {
    if (error instanceof CToolchainError) throw new ContractBuildError(error.message);
    throw error;
  }
  return checkBuilt(bytes, source, options);
}

/**
 * The checks every build passes, whatever the language: no start section, exports equal to the interface's methods
 * (then the interface section is appended), and metering accepts the module. Returns the final bytes.
 */
function checkBuilt(built: Uint8Array, source: string, options: BuildOptions): Uint8Array {
  let bytes = built;
  if (hasStartSection(bytes)) {
    throw new ContractBuildError(
      `${source}: the module has a start function: top-level statements or globals that allocate or call ` +
        'need one, and metering refuses it; move them into functions (or make them compile-time constants)',
    );
  }
  if (options.interface) {
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(bytes))
      .filter((e) => e.kind === 'function')
      .map((e) => e.name)
      .sort();
    const declared = options.interface.methods.map((m) => m.name).sort();
    if (exported.join() !== declared.join()) {
      throw new ContractBuildError(
        `${source}: the interface lists [${declared.join(', ')}] but the module exports [${exported.join(', ')}]`,
      );
    }
    bytes = appendCustomSection(bytes, INTERFACE_SECTION, encodeInterfaceSection(options.interface));
  }
  if (!options.skipMeteringCheck) {
    try {
      instrument(bytes);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new ContractBuildError(`${source}: metering rejects the module (${code}): ${(error as Error).message}`);
    }
  }
  return bytes;
}

/** The compiler's version, read from its package.json (without loading the compiler). */
let ascVersion: string | undefined;
function compilerVersion(): string {
  if (ascVersion === undefined) {
    // Node's lookup for `assemblyscript/asc` from this file: node_modules folders upwards.
    let file = '';
    for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
      file = join(dir, 'node_modules', 'assemblyscript', 'package.json');
      if (existsSync(file) || dirname(dir) === dir) break;
    }
    ascVersion = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return ascVersion;
}

/** The cache key of a build, or undefined when its sources cannot all be found (then it is not cached). */
function buildKey(baseDir: string, source: string, args: readonly string[], options: BuildOptions): string | undefined {
  const sources = sourceClosure(baseDir, source);
  if (!sources) return undefined;
  return cacheKey({
    format: BUILD_CACHE_FORMAT,
    compiler: `assemblyscript@${compilerVersion()}`,
    args,
    sdk: hashTree(REPO_ROOT, join(REPO_ROOT, 'contracts', 'sdk')),
    sources,
    interface: options.interface ? new TextDecoder().decode(encodeInterfaceSection(options.interface)) : null,
    meteringCheck: !options.skipMeteringCheck,
  });
}

/** A cached module is used only if it still passes the cheap checks (a guard against a damaged cache). */
function passesChecks(bytes: Uint8Array, options: BuildOptions): boolean {
  try {
    if (hasStartSection(bytes)) return false;
    if (!options.skipMeteringCheck) instrument(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The SDK runtime for asc's `--runtime`, relative to baseDir (through node_modules/gasket when a project has it). */
function runtimeFor(baseDir: string): string {
  if (baseDir === REPO_ROOT) return SDK_RUNTIME;
  const viaPackage = `node_modules/gasket/${SDK_RUNTIME}`;
  if (existsSync(join(baseDir, `${viaPackage}.ts`))) return viaPackage;
  return toRelative(baseDir, join(REPO_ROOT, SDK_RUNTIME));
}

/** An example contract of contracts/examples/. */
export type ExampleContract = {
  readonly name: string;
  /** Entry file relative to the repository root. */
  readonly entry: string;
  /** Its language: AssemblyScript with the SDK, or C with contracts/sdk/c/gasket.h. */
  readonly language: 'assemblyscript' | 'c';
};

/** The example contracts, by name. */
export const EXAMPLES: readonly ExampleContract[] = Object.freeze([
  ...['counter', 'token', 'nft', 'escrow', 'expensive', 'msgpackEcho'].map(
    (name): ExampleContract => ({
      name,
      entry: `contracts/examples/${name}/assembly/index.ts`,
      language: 'assemblyscript',
    }),
  ),
  { name: 'kvstore', entry: 'contracts/examples/kvstore/c/kvstore.c', language: 'c' },
]);

/** Reads the interface file beside an example's `assembly/` (or `c/`) folder, when there is one. */
export function loadExampleInterface(example: ExampleContract): ContractInterface | undefined {
  const file = join(REPO_ROOT, dirname(dirname(example.entry)), 'interface.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ContractInterface;
}

/** Builds one example (with its interface section). */
export function buildExample(name: string): Promise<Uint8Array> {
  const example = EXAMPLES.find((candidate) => candidate.name === name);
  if (!example) throw new ContractBuildError(`no example contract "${name}"`);
  const build = example.language === 'c' ? buildCContract : buildContract;
  return build(example.entry, { interface: loadExampleInterface(example) });
}

/**
 * Builds the examples (all, or those named) into `outDir` as `<name>.wasm`; returns the files written. Building all,
 * a C example is skipped with a note on stderr when clang cannot be had; named, it fails.
 */
export async function buildAll(outDir: string, names?: readonly string[]): Promise<string[]> {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const all = !names || names.length === 0;
  for (const example of EXAMPLES) {
    if (!all && !names.includes(example.name)) continue;
    if (all && example.language === 'c') {
      // Building everything: a machine that cannot get clang still gets the AssemblyScript examples.
      const missing = await ensureCToolchain().then(
        () => undefined,
        (error: Error) => error.message,
      );
      if (missing) {
        process.stderr.write(`skipping the C example ${example.name}: ${missing}\n`);
        continue;
      }
    }
    const bytes = await buildExample(example.name);
    const file = join(dir, `${example.name}.wasm`);
    writeFileSync(file, bytes);
    written.push(file);
  }
  return written;
}

function toRelative(baseDir: string, entry: string): string {
  const path = isAbsolute(entry) ? relative(baseDir, entry) : entry;
  return path.split('\\').join('/');
}

/** Whether a (valid) module has a start section (id 8). */
export function hasStartSection(wasm: Uint8Array): boolean {
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos++]!;
    const [size, next] = readUleb(wasm, pos);
    if (id === 8) return true;
    pos = next + size;
  }
  return false;
}

/** Appends a custom section (id 0) named `name`. */
export function appendCustomSection(wasm: Uint8Array, name: string, payload: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const body = [...uleb(nameBytes.length), ...nameBytes, ...payload];
  const section = Uint8Array.from([0, ...uleb(body.length), ...body]);
  const out = new Uint8Array(wasm.length + section.length);
  out.set(wasm);
  out.set(section, wasm.length);
  return out;
}

/** The payload of the first custom section named `name`, if any. */
export function readCustomSection(wasm: Uint8Array, name: string): Uint8Array | undefined {
  let pos = 8;
  const decoder = new TextDecoder();
  while (pos < wasm.length) {
    const id = wasm[pos++]!;
    const [size, start] = readUleb(wasm, pos);
    const end = start + size;
    if (id === 0) {
      const [nameLength, nameStart] = readUleb(wasm, start);
      if (decoder.decode(wasm.subarray(nameStart, nameStart + nameLength)) === name) {
        return wasm.slice(nameStart + nameLength, end);
      }
    }
    pos = end;
  }
  return undefined;
}

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function readUleb(bytes: Uint8Array, at: number): [number, number] {
  let result = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    const byte = bytes[pos++];
    if (byte === undefined) throw new ContractBuildError('truncated module');
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

function findRoot(): string {
  for (const up of ['..', '../..']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'contracts', 'sdk', 'assembly')) && existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error('cannot find the repository root (contracts/sdk/assembly) from contracts/build');
}

// As a script: `node dist/contracts/build.js [outDir] [name...]` writes the examples (default: all, into
// contracts/build).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = process.argv[2] ?? join(REPO_ROOT, 'contracts', 'build');
  const files = await buildAll(outDir, process.argv.slice(3));
  for (const file of files) process.stdout.write(`${relative(process.cwd(), file)}\n`);
}
