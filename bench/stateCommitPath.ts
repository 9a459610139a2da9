/**
 * The write phase of `bench:state` alone, for A/B runs of state/ commit-path changes on a shared machine: the same
 * 100,000 keys and values (same PRNG and seed as bench/state.ts) put and committed in 100 blocks of 1,000, then
 * `flushed()`. Prints one JSON line: the main thread's CPU per block (Linux: utime + stime of the main thread from
 * `/proc/self/task/<pid>/stat`, in 10 ms ticks over the whole phase; the LevelDB writer's and GC helpers' threads
 * excluded), all threads' CPU per block, median and mean block wall time, keys/s, and a digest of the 100 roots
 * (equal digests: equal roots). The main thread's CPU is what the 2-core quiet wall clock of a block follows, and
 * other load disturbs it far less than the wall clock. Alternate the builds being compared, several runs each:
 * `node <worktree>/dist/bench/stateCommitPath.js`.
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openState } from '../state/index.js';
import { statePairs } from './stateWorkload.js';

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 100);
const PER_BLOCK = 1000;

/** CPU milliseconds of the main thread (Linux only; NaN elsewhere). */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

const { keys, values } = statePairs(BLOCKS * PER_BLOCK);
const dir = await mkdtemp(join(tmpdir(), 'gasket-bench-commit-'));
try {
  const store = await openState({ path: join(dir, 'state'), create: true });
  const blockMs: number[] = [];
  const roots = createHash('sha256');
  const main0 = mainThreadCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let b = 0; b < BLOCKS; b++) {
    const tb = performance.now();
    for (let i = b * PER_BLOCK; i < (b + 1) * PER_BLOCK; i++) store.put(keys[i]!, values[i]!);
    const { root } = await store.commitBlock();
    blockMs.push(performance.now() - tb);
    roots.update(root);
  }
  await store.flushed();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const main = mainThreadCpuMs() - main0;
  await store.close();
  const sorted = [...blockMs].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      mainThreadCpuMsPerBlock: Number((main / BLOCKS).toFixed(2)),
      cpuMsPerBlock: Number(((cpu.user + cpu.system) / 1000 / BLOCKS).toFixed(2)),
      blockMsMedian: Number(sorted[sorted.length >> 1]!.toFixed(2)),
      blockMsMean: Number((blockMs.reduce((a, b) => a + b, 0) / BLOCKS).toFixed(2)),
      keysPerSec: Math.round((BLOCKS * PER_BLOCK) / (wall / 1000)),
      rootsDigest: roots.digest('hex').slice(0, 16),
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
