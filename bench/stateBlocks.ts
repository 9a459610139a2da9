/**
 * Where `bench:state`'s write phase goes beyond its median block: the same workload as bench/stateCommitPath.ts
 * (100,000 keys in 100 blocks of 1,000, same seed), with each block's wall and CPU time (all threads), the garbage
 * collections seen in it (a `PerformanceObserver` on `gc`), each block batch's native `_write` from call to the
 * completion seen on the main thread, and the final `flushed()`. keys/s divides by the whole phase, flush included,
 * as bench/state.ts does; the block median leaves out the blocks that hold a collection. Prints a JSON summary, the
 * excess over the median by kind of block, and with BLOCK_ROWS=n the n slowest blocks. Diagnosis only: the figures
 * for docs/benchmarks.md come from bench/state.ts.
 *
 * Run: `npx tsc -p tsconfig.build.json && node dist/bench/stateBlocks.js`.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { ClassicLevel } from 'classic-level';
import { openState } from '../state/index.js';
import { statePairs } from './stateWorkload.js';

const BLOCKS = 100;
const PER_BLOCK = 1000;

type NativeBatch = { _write(options: unknown): Promise<void> };
type Block = { index: number; start: number; wall: number; cpu: number; gc: string[] };

/** Times every chained batch's `_write` (the store's block writes on classic-level). */
const writes: number[] = [];
const proto = ClassicLevel.prototype as unknown as { _chainedBatch(): NativeBatch };
const chainedBatch = proto._chainedBatch;
proto._chainedBatch = function (this: unknown) {
  const batch = chainedBatch.call(this);
  const write = batch._write.bind(batch);
  batch._write = async (options) => {
    const t = performance.now();
    await write(options);
    writes.push(performance.now() - t);
  };
  return batch;
};

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};
const gcs: { start: number; duration: number; kind: string }[] = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind: number } }).detail?.kind ?? -1;
    gcs.push({ start: e.startTime, duration: e.duration, kind: GC_KINDS[kind] ?? String(kind) });
  }
});
observer.observe({ entryTypes: ['gc'] });

const { keys, values } = statePairs(BLOCKS * PER_BLOCK);
const dir = await mkdtemp(join(tmpdir(), 'gasket-bench-blocks-'));
try {
  const store = await openState({ path: join(dir, 'state'), create: true });
  const blocks: Block[] = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let b = 0; b < BLOCKS; b++) {
    const start = performance.now();
    const c0 = process.cpuUsage();
    for (let i = b * PER_BLOCK; i < (b + 1) * PER_BLOCK; i++) store.put(keys[i]!, values[i]!);
    await store.commitBlock();
    const c = process.cpuUsage(c0);
    blocks.push({ index: b, start, wall: performance.now() - start, cpu: (c.user + c.system) / 1000, gc: [] });
  }
  const flushStart = performance.now();
  await store.flushed();
  const end = performance.now();
  const cpu = process.cpuUsage(cpu0);
  await store.close();
  // gc entries are delivered in a later task
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  for (const b of blocks) {
    for (const g of gcs) {
      if (g.start >= b.start && g.start < b.start + b.wall) b.gc.push(`${g.kind} ${g.duration.toFixed(1)}`);
    }
  }
  const sortedWalls = blocks.map((b) => b.wall).sort((a, b) => a - b);
  const median = sortedWalls[BLOCKS >> 1]!;
  const total = end - t0;
  const excess: Record<string, { ms: number; blocks: number }> = {};
  for (const b of blocks) {
    const kind =
      b.index < 2
        ? 'warm-up (blocks 0-1)'
        : b.gc.some((g) => g.startsWith('mark-compact'))
          ? 'with a mark-compact'
          : b.gc.some((g) => g.startsWith('scavenge'))
            ? 'with a scavenge'
            : 'no collection';
    excess[kind] ??= { ms: 0, blocks: 0 };
    excess[kind].ms += b.wall - median;
    excess[kind].blocks++;
  }
  const gcInPhase = gcs.filter((g) => g.start >= t0 && g.start <= end);
  const sortedWrites = [...writes].sort((a, b) => a - b);
  const round = (x: number) => Number(x.toFixed(1));
  console.log(
    JSON.stringify({
      keysPerSec: Math.round((BLOCKS * PER_BLOCK) / (total / 1000)),
      totalMs: round(total),
      blockMsMedian: round(median),
      blocksOverMedianMs: round(blocks.reduce((a, b) => a + b.wall, 0) - BLOCKS * median),
      flushMs: round(end - flushStart),
      cpuMsPerBlock: round((cpu.user + cpu.system) / 1000 / BLOCKS),
      gcPauseMs: round(gcInPhase.reduce((a, g) => a + g.duration, 0)),
      scavenges: gcInPhase.filter((g) => g.kind === 'scavenge').length,
      markCompacts: gcInPhase.filter((g) => g.kind === 'mark-compact').length,
      batchWriteMs: {
        median: round(sortedWrites[sortedWrites.length >> 1] ?? Number.NaN),
        p90: round(sortedWrites[Math.floor(sortedWrites.length * 0.9)] ?? Number.NaN),
        max: round(sortedWrites.at(-1) ?? Number.NaN),
      },
    }),
  );
  for (const [kind, e] of Object.entries(excess)) {
    console.log(`excess over the median, blocks ${kind}: ${e.ms.toFixed(1)} ms over ${e.blocks} blocks`);
  }
  const rows = Number(process.env.BLOCK_ROWS ?? 0);
  for (const b of [...blocks].sort((x, y) => y.wall - x.wall).slice(0, rows)) {
    console.log(`block ${b.index}: ${b.wall.toFixed(1)} ms wall, ${b.cpu.toFixed(1)} ms CPU, ${b.gc.join(', ')}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
