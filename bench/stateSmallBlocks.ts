/**
 * Small blocks, the devnet's automine shape: 5 keys changed per block on a 2,000-key store on disk, 4,000 blocks per
 * round, one event-loop turn every 4 blocks (as a server's loop would give finished writes their turn), 3 rounds.
 * Prints per round the wall and CPU time a block (all threads of the process) and the time `commitBlock` takes
 * before it returns. For A/B runs of the per-block commit path and of group commit (`WRITE_DELAY_MS`, the store's
 * `writeDelayMs`, default 0; the devnet on disk uses 2). Keys and values come from the same PRNG as bench:state.
 *
 * Run: `npx tsc -p tsconfig.build.json && node dist/bench/stateSmallBlocks.js` (`WRITE_DELAY_MS=2 ...`).
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openState } from '../state/index.js';
import { statePairs } from './stateWorkload.js';

const STATE_KEYS = 2000;
const KEYS_PER_BLOCK = 5;
const BLOCKS = 4000;
const ROUNDS = 3;
const writeDelayMs = Number(process.env.WRITE_DELAY_MS ?? 0);

const { keys, values } = statePairs(STATE_KEYS + 20_000);
const dir = await mkdtemp(join(tmpdir(), 'gasket-bench-small-blocks-'));
try {
  const store = await openState({ path: join(dir, 'state'), create: true, writeDelayMs });
  for (let i = 0; i < STATE_KEYS; i++) store.put(keys[i]!, values[i]!);
  await store.commitBlock();
  await store.flushed();
  for (let round = 0; round < ROUNDS; round++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let commitMs = 0;
    for (let b = 0; b < BLOCKS; b++) {
      for (let j = 0; j < KEYS_PER_BLOCK; j++) {
        const n = b * KEYS_PER_BLOCK + j;
        store.put(keys[n % STATE_KEYS]!, values[STATE_KEYS + (n % 20_000)]!);
      }
      const tc = performance.now();
      await store.commitBlock();
      commitMs += performance.now() - tc;
      if (b % 4 === 3) await new Promise((resolve) => setImmediate(resolve));
    }
    await store.flushed();
    const cpu = process.cpuUsage(cpu0);
    const perBlock = (x: number) => ((x * 1000) / BLOCKS).toFixed(1);
    console.log(
      JSON.stringify({
        round,
        writeDelayMs,
        wallUsPerBlock: Number(perBlock(performance.now() - t0)),
        cpuUsPerBlock: Number(((cpu.user + cpu.system) / BLOCKS).toFixed(1)),
        commitUsPerBlock: Number(perBlock(commitMs)),
      }),
    );
  }
  await store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
