import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildContract,
  buildExample,
  ContractBuildError,
  decodeInterfaceSection,
  EXAMPLES,
  hasStartSection,
  INTERFACE_SECTION,
  loadExampleInterface,
  normalizeInterface,
  REPO_ROOT,
  readCustomSection,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'gasket-contracts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BUILD = 120_000;
const execFileAsync = promisify(execFile);

describe('contract build', () => {
  it(
    'is reproducible: the build script in another process writes the same bytes as two in-process builds',
    async () => {
      const out = join(dir, 'out');
      // All three really compile: the build cache would otherwise hand out one stored result.
      const script = execFileAsync(
        process.execPath,
        [join(REPO_ROOT, 'dist', 'contracts', 'build.js'), out, 'counter'],
        { cwd: tmpdir(), env: { ...process.env, GASKET_NO_BUILD_CACHE: '1' } },
      );
      const counter = EXAMPLES.find((e) => e.name === 'counter')!;
      const options = { interface: loadExampleInterface(counter), cache: false };
      const first = await buildContract(counter.entry, options);
      const second = await buildContract(counter.entry, options);
      await script;
      const file = readFileSync(join(out, 'counter.wasm'));
      expect(hasStartSection(file)).toBe(false);
      expect(Buffer.from(first).equals(file)).toBe(true);
      expect(Buffer.from(second).equals(file)).toBe(true);
      expect(EXAMPLES.map((e) => e.name)).toContain('counter');
    },
    BUILD,
  );

  it(
    'refuses a contract that needs a start function (top-level allocation), and one with floats',
    async () => {
      const withStart = join(dir, 'start.ts');
      writeFileSync(withStart, 'const table = new Array<u32>(4);\nexport function f(): void { table[0] = 1; }\n');
      await expect(buildContract(withStart)).rejects.toThrow(/start function/);
      const withFloat = join(dir, 'float.ts');
      writeFileSync(
        withFloat,
        '@external("gasket", "return_data") declare function ret(p: usize, l: u32): void;\n' +
          'export function f(): void { const x: f64 = <f64>memory.size() * 1.5; ret(0, <u32>x); }\n',
      );
      const error = await buildContract(withFloat).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ContractBuildError);
      expect((error as Error).message).toMatch(/metering rejects the module \(FLOAT\)/);
      const broken = join(dir, 'broken.ts');
      writeFileSync(broken, 'export function f(): void { undefinedThing(); }\n');
      await expect(buildContract(broken)).rejects.toThrow(/compile error/);
    },
    BUILD,
  );

  it(
    'every AssemblyScript example has interface metadata matching its exports, written as the gasket:interface section',
    async () => {
      for (const example of EXAMPLES.filter((e) => e.language === 'assemblyscript')) {
        const declared = loadExampleInterface(example);
        expect(declared, example.name).toBeDefined();
        const code = await buildExample(example.name);
        const section = readCustomSection(code, INTERFACE_SECTION);
        expect(section, example.name).toBeDefined();
        expect(decodeInterfaceSection(section!)).toEqual(normalizeInterface(declared!));
        const exported = WebAssembly.Module.exports(new WebAssembly.Module(code))
          .filter((e) => e.kind === 'function')
          .map((e) => e.name);
        expect(exported.sort()).toEqual(declared!.methods.map((m) => m.name).sort());
      }
    },
    BUILD,
  );
});
