import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runGasket } from '../test/index.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'gasket-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment without this vitest's own variables (the project's vitest runs as a fresh process). */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
}

describe('gasket init', () => {
  it('writes the project files depending on this gasket by file: path; refuses a non-empty folder', () => {
    const project = join(dir, 'My Counter');
    const result = runGasket(['init', project, '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.name).toBe('my-counter');
    expect(summary.files.sort()).toEqual(
      [
        '.gitignore',
        'README.md',
        'assembly/index.ts',
        'assembly/tsconfig.json',
        'build.mjs',
        'interface.json',
        'package.json',
        'test/contract.test.ts',
        'test/determinism.test.ts',
      ].sort(),
    );
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
    expect(pkg.devDependencies.gasket).toBe(`file:${resolve(REPO_ROOT)}`);
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['assemblyscript', 'gasket', 'vitest']);
    expect(readFileSync(join(project, 'assembly', 'index.ts'), 'utf8')).toContain(
      'from "gasket/contracts/sdk/assembly"',
    );

    const full = join(dir, 'full');
    runGasket(['init', full]);
    writeFileSync(join(full, 'extra.txt'), 'x');
    const again = runGasket(['init', full]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/is not empty/);
  });

  // Slow (about 15-40 s: npm install from the local npm cache, then the project's own vitest run).
  it('slow: the project passes its test right after npm install', async () => {
    const project = join(dir, 'scaffold');
    expect(runGasket(['init', project]).status).toBe(0);
    const env = childEnv();
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: project,
      env,
      maxBuffer: 64 << 20,
    });
    const test = await run(process.execPath, [join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], {
      cwd: project,
      env: { ...env, NO_COLOR: '1' },
      maxBuffer: 64 << 20,
    });
    expect(test.stdout).toMatch(/Tests\s+3 passed/);
    const build = await run('npm', ['run', 'build'], { cwd: project, env, maxBuffer: 64 << 20 });
    expect(build.stdout).toMatch(/build\/scaffold\.wasm \(\d+ bytes\)/);
  }, 180_000);
});
