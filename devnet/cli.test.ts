import { describe, expect, it } from 'vitest';
import { runGasket } from '../test/index.js';
import { createCli, runCli } from './cli.js';

describe('gasket CLI (child process)', () => {
  it('--help lists the registered subcommands and exits 0', () => {
    const result = runGasket(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: gasket');
    for (const command of createCli().commands) expect(result.stdout).toContain(command.name());
  });

  it.each([['--liftoff-only'], ['--no-liftoff'], ['--stack-size=500']])('starts under node %s', (flag) => {
    const result = runGasket(['--version'], { v8Flags: [flag] });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an unknown subcommand prints one line naming it and exits non-zero', () => {
    const result = runGasket(['frobnicate']);
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('an unknown flag prints one line naming it and exits non-zero', () => {
    const result = runGasket(['--frobnicate']);
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/unknown option '--frobnicate'/);
  });
});

describe('runCli (in process)', () => {
  it('returns a non-zero status instead of exiting on a bad flag', async () => {
    let err = '';
    const status = await runCli(['--nope'], { stdout: () => {}, stderr: (text) => (err += text) });
    expect(status).toBe(1);
    expect(err).toContain("unknown option '--nope'");
  });
});
