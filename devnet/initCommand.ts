/**
 * `gasket init <dir>`: writes a ready contract project (devnet/initTemplates.ts) into a new or empty folder. Gasket
 * is not published, so the project depends on this very gasket package by a `file:` path (the folder the running
 * CLI belongs to), with the assemblyscript and vitest versions gasket itself uses; `npm install` then `npm test`
 * there builds the contract and runs its test on the in-process VM.
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GasketError } from '../errors.js';
import type { CliIo } from './cliIo.js';
import { scaffoldFiles } from './initTemplates.js';

type PackageJson = { name?: string; devDependencies?: Record<string, string> };

export async function initCommand(options: { dir: string; name?: string; json: boolean }, io: CliIo): Promise<void> {
  const dir = resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new GasketError('INIT_DIR', `${options.dir} is not empty: init writes only into a new or empty folder`);
  }
  const name = options.name ?? packageName(basename(dir));
  if (!/^[a-z0-9][a-z0-9._-]{0,213}$/.test(name)) {
    throw new GasketError('BAD_FLAG', `"${name}" is no npm package name (lower case letters, digits, . _ -)`);
  }
  const root = gasketRoot();
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  const files = scaffoldFiles({
    name,
    gasket: `file:${root}`,
    assemblyscript: own.devDependencies?.assemblyscript ?? '^0.28.20',
    vitest: own.devDependencies?.vitest ?? '^4.1.12',
  });
  const written: string[] = [];
  for (const [path, contents] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, contents, { flag: 'wx' });
    written.push(path);
  }
  if (options.json) {
    io.stdout(`${JSON.stringify({ dir, name, gasket: root, files: written }, null, 2)}\n`);
    return;
  }
  const shown = relative(process.cwd(), dir) || '.';
  io.stdout(
    `new contract project "${name}" in ${shown}\n${written.map((path) => `  ${path}\n`).join('')}` +
      `next:\n  cd ${shown}\n  npm install\n  npm test         # builds the contract and runs test/ on the VM\n` +
      '  npm run build    # writes build/<name>.wasm for gasket deploy\n',
  );
}

/** An npm-safe package name from a folder name. */
function packageName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '');
  return name || 'contract';
}

/** The gasket package this CLI runs from: devnet/ (sources) or dist/devnet/ (built), up to its package.json. */
function gasketRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as PackageJson).name === 'gasket') return dir;
  }
  throw new GasketError('INIT_ROOT', 'cannot find the gasket package folder from the CLI');
}
