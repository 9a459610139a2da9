/**
 * Crash safety: a devnet process is killed with SIGKILL while transactions are being mined, at several moments;
 * each restart must open at a consistent last block (every block readable, parent hashes chained, the head's
 * state root equal to the store's), and keep working.
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnDevnet } from '../test/index.js';
import { toHex } from './codec.js';
import { devAccount } from './keys.js';

type Rpc = (method: string, params?: Record<string, unknown>) => Promise<any>;

/**
 * Runs `senders` loops of `send` (each until the node stops answering), kills the node with SIGKILL `ms` after
 * `from` resolves (default: now), and waits for it to exit and for the loops to end.
 */
async function sendUntilKilled(
  child: ChildProcess,
  ms: number,
  senders: number,
  send: (index: number) => Promise<void>,
  from: Promise<void> = Promise.resolve(),
): Promise<void> {
  let sending = true;
  const loops = Array.from({ length: senders }, async (_, index) => {
    while (sending) {
      try {
        await send(index);
      } catch {
        return; // the node died mid-request
      }
    }
  });
  await from;
  await new Promise((resolve) => setTimeout(resolve, ms));
  sending = false;
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  await Promise.all(loops);
}

async function startNode(dataDir: string, flags: readonly string[] = []): Promise<{ child: ChildProcess; rpc: Rpc }> {
  const node = await spawnDevnet(['--data-dir', dataDir, ...flags]);
  const rpc: Rpc = async (method, params) => {
    const answer = await node.request(method, params);
    if (answer.error) throw new Error(answer.error.message);
    return answer.result;
  };
  return { child: node.child, rpc };
}

async function checkConsistent(rpc: Rpc): Promise<bigint> {
  const head = await rpc('chain_head');
  let parentHash = '0x'.padEnd(66, '0');
  for (let height = 0n; height <= BigInt(head.height); height++) {
    const block = await rpc('chain_getBlock', { height: height.toString() });
    expect(block.parentHash, `block ${height}`).toBe(parentHash);
    parentHash = block.hash;
  }
  expect(parentHash).toBe(head.hash);
  // the lookup by hash lands with its block (the same batch): the head is found by its hash after any kill
  expect((await rpc('chain_getBlock', { hash: head.hash })).height).toBe(head.height);
  const proof = await rpc('state_getProof', { key: `0x01${toHex(devAccount(0).address).slice(2)}` });
  expect(proof.root).toBe(head.stateRoot);
  expect(proof.verified).toBe(true);
  return BigInt(head.height);
}

describe('crash safety', () => {
  it('SIGKILL during mining, at several moments: every restart is consistent and keeps mining', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'gasket-crash-')), 'data');
    const to = toHex(devAccount(1).address);
    let lastHeight = -1n;
    for (const killAfterMs of [150, 400, 50, 700]) {
      const { child, rpc } = await startNode(dataDir);
      const height = await checkConsistent(rpc);
      expect(height).toBeGreaterThanOrEqual(lastHeight);
      await sendUntilKilled(child, killAfterMs, 1, async () => {
        await rpc('dev_sendUnsigned', { from: 0, kind: 'transfer', to, value: '1', gasLimit: '100000' });
      });
      lastHeight = height;
    }
    const { child, rpc } = await startNode(dataDir);
    const finalHeight = await checkConsistent(rpc);
    expect(finalHeight).toBeGreaterThan(0n);
    await rpc('dev_sendUnsigned', { from: 0, kind: 'transfer', to, value: '1', gasLimit: '100000' });
    expect(BigInt((await rpc('chain_head')).height)).toBe(finalHeight + 1n);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }, 120_000);

  // also with the RPC front end on a worker thread (--rpc-worker), which answers receipts by itself, and with one
  // sender, whose blocks are answered once in the block journal (LevelDB behind: the restart replays them)
  it.each([
    [[], 8],
    [['--rpc-worker'], 8],
    [[], 1],
  ])(
    'SIGKILL (flags %j, %i concurrent senders): every transaction answered before the kill has its receipt after restart',
    async (flags: string[], senders: number) => {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'gasket-crash-acked-')), 'data');
      const to = toHex(devAccount(9).address);
      for (const killAfterMs of [300, 120]) {
        const { child, rpc } = await startNode(dataDir, flags);
        await checkConsistent(rpc);
        const answered: string[] = [];
        // the clock starts at the first answer: on a loaded machine a cold node may answer nothing in 120 ms
        let firstAnswer!: () => void;
        const answeredOnce = new Promise<void>((resolve) => {
          firstAnswer = resolve;
        });
        await sendUntilKilled(
          child,
          killAfterMs,
          senders,
          async (i) => {
            const { hash } = await rpc('dev_sendUnsigned', {
              from: i + 1,
              kind: 'transfer',
              to,
              value: '1',
              gasLimit: '100000',
            });
            answered.push(hash);
            firstAnswer();
          },
          answeredOnce,
        );
        const restarted = await startNode(dataDir, flags);
        await checkConsistent(restarted.rpc);
        expect(answered.length).toBeGreaterThan(0);
        for (const hash of answered) {
          const receipt = await restarted.rpc('tx_getReceipt', { hash });
          expect(receipt?.status, hash).toBe('ok');
        }
        restarted.child.kill('SIGTERM');
        await new Promise((resolve) => restarted.child.once('exit', resolve));
      }
    },
    120_000,
  );
});
