/**
 * The dev toolbox flags of `gasket devnet`: `--dump-state FILE` writes the state on shutdown, `--load-state FILE`
 * loads it at start (same state root), `--no-dev-methods` refuses every dev_* method (-32601). Real processes.
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGasketAsync, spawnDevnet } from '../test/index.js';
import { toHex } from './codec.js';
import { devAccount } from './keys.js';

type RpcResult = { result?: any; error?: { code: number; message: string } };

async function startNode(
  args: string[],
): Promise<{ child: ChildProcess; rpc: (m: string, p?: object) => Promise<RpcResult> }> {
  const node = await spawnDevnet(['--in-memory', ...args]);
  return { child: node.child, rpc: (method, params) => node.request(method, params) as Promise<RpcResult> };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('gasket devnet dev toolbox flags', () => {
  it('--dump-state on shutdown, --load-state at start: same state root; --no-dev-methods refuses dev_*', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gasket-dump-'));
    const file = join(dir, 'state.bin');
    const first = await startNode(['--dump-state', file]);
    const to = toHex(new Uint8Array(32).fill(7));
    expect((await first.rpc('dev_sendUnsigned', { from: 0, kind: 'transfer', to, value: '12' })).error).toBeUndefined();
    const root = (await first.rpc('chain_head')).result.stateRoot;
    expect(await stop(first.child)).toBe(0);
    expect(existsSync(file)).toBe(true);

    const second = await startNode(['--load-state', file, '--no-dev-methods']);
    try {
      expect((await second.rpc('chain_head')).result.stateRoot).toBe(root);
      expect((await second.rpc('account_get', { address: to })).result.balance).toBe('12');
      expect((await second.rpc('dev_accounts')).error?.code).toBe(-32601);
      expect((await second.rpc('dev_dumpState')).error?.code).toBe(-32601);
      const nonce = (await second.rpc('account_get', { address: toHex(devAccount(0).address) })).result.nonce;
      expect(nonce).toBe('1');
    } finally {
      await stop(second.child);
    }
  }, 60_000);

  it('--load-state with a file that is not a state dump fails with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gasket-dump-'));
    const file = join(dir, 'bad.bin');
    writeFileSync(file, 'not a dump');
    const result = await runGasketAsync(['devnet', '--in-memory', '--port', '0', '--load-state', file]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/--load-state/);
  }, 60_000);
});
