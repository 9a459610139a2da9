/**
 * Vitest global setup: compiles the sources into dist/ before any test runs, so tests that start the `gasket`
 * bin or a worker thread (which load plain JavaScript from dist/) never see stale code.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
