/**
 * A content-addressed disk cache of contract builds, so test processes skip loading and warming the compiler when
 * nothing changed. The key is the SHA-256 of everything the bytes depend on: the cache format, the compiler
 * version, the compiler arguments, every SDK file, the entry's source closure (relative imports followed, package
 * imports looked up in node_modules) and the interface. Builds are reproducible, so a cached file holds exactly the
 * bytes a build would give. Files are written to a temporary name and renamed, so concurrent processes never read
 * a half-written one; any file-system error just means no caching. `GASKET_NO_BUILD_CACHE=1` turns it off.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Bumped whenever build.ts changes what it writes for the same inputs. */
export const BUILD_CACHE_FORMAT = 'gasket-contracts-build/1';

/** Hits and misses of this process (for tests and curious tools). */
export const buildCacheStats = { hits: 0, misses: 0 };

/** Whether the cache is on: not when `GASKET_NO_BUILD_CACHE=1`, else the option (default on). */
export function buildCacheEnabled(option: boolean | undefined): boolean {
  if (process.env.GASKET_NO_BUILD_CACHE === '1') return false;
  return option ?? true;
}

/** Hex SHA-256 of a JSON description of the inputs (keys as given, so callers keep a fixed order). */
export function cacheKey(inputs: unknown): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/** `[path relative to root, sha256]` of every file under `dir`, sorted by path. */
export function hashTree(root: string, dir: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push([posix(relative(root, path)), sha256(readFileSync(path))]);
    }
  };
  walk(dir);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** `import … from "x"`, `export … from "x"` and `import "x"` statements (at the start of a line or after `;`). */
const IMPORTS = [
  /(?:^|;)[ \t]*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/gm,
  /(?:^|;)[ \t]*import\s*["']([^"']+)["']/gm,
];

/**
 * The AssemblyScript source closure of `entry`: `[path relative to baseDir, sha256 or null when missing]`, sorted.
 * Relative imports are followed (`x.ts`, then `x/index.ts`); package imports (`pkg/path`) are looked up in the
 * node_modules folders from baseDir up; `~lib/` imports that are no package are the compiler's library (covered by
 * its version). Undefined when a package import cannot be found (then the build is not cached).
 */
export function sourceClosure(baseDir: string, entry: string): [string, string | null][] | undefined {
  const seen = new Map<string, string | null>();
  const queue = [resolve(baseDir, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    if (!existsSync(file)) {
      seen.set(file, null);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    seen.set(file, sha256(text));
    for (const pattern of IMPORTS) {
      for (const match of text.matchAll(pattern)) {
        const spec = match[1]!;
        if (spec.startsWith('.')) {
          queue.push(resolveModule(resolve(dirname(file), spec)));
          continue;
        }
        const bare = spec.startsWith('~lib/') ? spec.slice(5) : spec;
        const found = resolvePackage(baseDir, dirname(file), bare);
        if (found) queue.push(found);
        else if (!spec.startsWith('~lib/')) return undefined;
      }
    }
  }
  return [...seen]
    .map(([file, hash]): [string, string | null] => [posix(relative(baseDir, file)), hash])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The cached bytes for `key`, if any. */
export function readCached(dir: string, key: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(join(dir, `${key}.wasm`)));
  } catch {
    return undefined;
  }
}

/** Stores bytes under `key` (temporary file, then rename); errors are ignored. */
export function writeCached(dir: string, key: string, bytes: Uint8Array): void {
  const tmp = join(dir, `${key}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, bytes);
    renameSync(tmp, join(dir, `${key}.wasm`));
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing written
    }
  }
}

/** Removes a cached entry (one that failed its checks); errors are ignored. */
export function dropCached(dir: string, key: string): void {
  try {
    unlinkSync(join(dir, `${key}.wasm`));
  } catch {
    // already gone
  }
}

function resolveModule(base: string): string {
  if (existsSync(`${base}.ts`)) return `${base}.ts`;
  if (existsSync(join(base, 'index.ts'))) return join(base, 'index.ts');
  return `${base}.ts`;
}

function resolvePackage(baseDir: string, from: string, spec: string): string | undefined {
  for (const start of new Set([resolve(baseDir), from])) {
    for (let dir = start; ; dir = dirname(dir)) {
      const modules = join(dir, 'node_modules');
      if (existsSync(modules)) {
        for (const candidate of [`${join(modules, spec)}.ts`, join(modules, spec, 'index.ts')]) {
          if (existsSync(candidate)) return candidate;
        }
      }
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function posix(path: string): string {
  return path.split('\\').join('/');
}
