/**
 * Runs the `gasket` bin as a child process, the way users and the determinism tests do, with optional V8 flags.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const GASKET_BIN: string = fileURLToPath(
  new URL(
    (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: { gasket: string } }).bin
      .gasket,
    new URL('..', import.meta.url),
  ),
);

export type BinResult = { status: number | null; stdout: string; stderr: string };

export function runGasket(
  args: readonly string[],
  options: { v8Flags?: readonly string[]; input?: string } = {},
): BinResult {
  const result = spawnSync(process.execPath, [...(options.v8Flags ?? []), GASKET_BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    input: options.input,
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the bin without blocking this process's event loop (for tests whose devnet answers from this process). */
export function runGasketAsync(args: readonly string[]): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GASKET_BIN, ...args], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
