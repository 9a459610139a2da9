/**
 * Vitest global setup: compiles the sources into dist/ before any test runs, so tests that start the `gasket`
 * bin or a worker thread (which load plain JavaScript from dist/) never see stale code. Type errors do not stop
 * the emit (tsc still writes the files) and are reported by `npm run typecheck`, the gate for them.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(`note: tsc reported type errors while building dist/ (see npm run typecheck)\n`);
  }
  if (result.error) throw result.error;
}
