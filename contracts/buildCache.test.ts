import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_CACHE_DIR, buildCacheStats, buildContract } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'gasket-cache-'));
const before = new Set(listCache());
// These tests turn the cache on and off themselves, whatever the environment says.
const environment = process.env.GASKET_NO_BUILD_CACHE;
delete process.env.GASKET_NO_BUILD_CACHE;
afterAll(() => {
  if (environment !== undefined) process.env.GASKET_NO_BUILD_CACHE = environment;
  rmSync(dir, { recursive: true, force: true });
  for (const name of listCache()) if (!before.has(name)) rmSync(join(BUILD_CACHE_DIR, name), { force: true });
});

function listCache(): string[] {
  try {
    return readdirSync(BUILD_CACHE_DIR);
  } catch {
    return [];
  }
}

// A contract of two files (the second reached by a relative import) with a nonce, so its key is new on every run.
function writeContract(value: number): string {
  mkdirSync(join(dir, 'assembly'), { recursive: true });
  const nonce = `${process.pid}-${Date.now()}-${Math.random()}`;
  writeFileSync(join(dir, 'assembly', 'value.ts'), `export const VALUE: u32 = ${value};\n`);
  writeFileSync(
    join(dir, 'assembly', 'index.ts'),
    `// ${nonce}\nimport { VALUE } from "./value";\n` +
      '@external("gasket", "return_data") declare function ret(p: usize, l: u32): void;\n' +
      'export function get(): void { ret(0, VALUE); }\n',
  );
  return join(dir, 'assembly', 'index.ts');
}

describe('build cache', () => {
  it('a hit returns the bytes a build gives; a changed imported file misses', async () => {
    const entry = writeContract(1);
    const { hits, misses } = buildCacheStats;
    const built = await buildContract(entry);
    expect(buildCacheStats).toEqual({ hits, misses: misses + 1 });
    expect(listCache().filter((name) => !before.has(name))).toHaveLength(1);
    expect(listCache().some((name) => name.endsWith('.tmp'))).toBe(false);

    const cached = await buildContract(entry);
    expect(buildCacheStats).toEqual({ hits: hits + 1, misses: misses + 1 });
    expect(Buffer.from(cached).equals(Buffer.from(built))).toBe(true);
    const fresh = await buildContract(entry, { cache: false });
    expect(Buffer.from(fresh).equals(Buffer.from(built))).toBe(true);
    expect(buildCacheStats).toEqual({ hits: hits + 1, misses: misses + 1 });

    writeFileSync(join(dir, 'assembly', 'value.ts'), 'export const VALUE: u32 = 2;\n');
    const changed = await buildContract(entry);
    expect(buildCacheStats).toEqual({ hits: hits + 1, misses: misses + 2 });
    expect(Buffer.from(changed).equals(Buffer.from(built))).toBe(false);

    const debug = await buildContract(entry, { flags: ['-O0'] });
    expect(buildCacheStats.misses).toBe(misses + 3);
    expect(Buffer.from(debug).equals(Buffer.from(changed))).toBe(false);
  }, 120_000);

  it('GASKET_NO_BUILD_CACHE=1 turns it off', async () => {
    const entry = writeContract(3);
    process.env.GASKET_NO_BUILD_CACHE = '1';
    try {
      const { hits, misses } = buildCacheStats;
      const count = listCache().length;
      await buildContract(entry);
      await buildContract(entry);
      expect(buildCacheStats).toEqual({ hits, misses });
      expect(listCache()).toHaveLength(count);
    } finally {
      delete process.env.GASKET_NO_BUILD_CACHE;
    }
  }, 120_000);
});
