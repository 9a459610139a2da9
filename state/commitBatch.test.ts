/**
 * A block's batch written through classic-level's native chained batch (on disk) and through `_batch` (in
 * memory) must give the same store: same roots, same counted operations and bytes, same values at every version
 * after reopening. Also pins what `commitBlock` reports about its batch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INLINE_LEAF_MAX } from './_node.js';
import { openState } from './index.js';

const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'));

const KEYS = Array.from({ length: 40 }, (_, i) => Uint8Array.of(i % 5, i, (i * 13) & 0xff));

/** One block: key index and value (null deletes); small values mostly, sometimes too large to inline. */
const blockArb = fc.array(
  fc.tuple(
    fc.nat(KEYS.length - 1),
    fc.oneof(
      { weight: 5, arbitrary: fc.uint8Array({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: INLINE_LEAF_MAX - 4, maxLength: INLINE_LEAF_MAX + 20 }) },
      { weight: 2, arbitrary: fc.constant(null) },
    ),
  ),
  { minLength: 1, maxLength: 30 },
);

describe('block batches on disk (native chained batch) and in memory', () => {
  it('give the same roots, operation and byte counts, and values at every version after reopening', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(blockArb, { minLength: 1, maxLength: 6 }), async (blocks) => {
        const dir = await mkdtemp(join(tmpdir(), 'gasket-batch-'));
        try {
          const path = join(dir, 'db');
          const disk = await openState({ path, create: true });
          const memory = await openState({ inMemory: true });
          const model: Map<number, Uint8Array>[] = [new Map()];
          for (const block of blocks) {
            const now = new Map(model[model.length - 1]);
            const changed = new Set<number>();
            for (const [k, v] of block) {
              changed.add(k);
              for (const s of [disk, memory]) {
                if (v === null) s.delete(KEYS[k]!);
                else s.put(KEYS[k]!, v);
              }
              if (v === null) now.delete(k);
              else now.set(k, v);
            }
            model.push(now);
            const a = await disk.commitBlock();
            const b = await memory.commitBlock();
            expect(hex(a.root)).toBe(hex(b.root));
            expect(a.keys).toBe(changed.size);
            expect(a.operations).toBe(b.operations);
            expect(a.bytesWritten).toBe(b.bytesWritten);
            expect(a.nodesWritten).toBe(b.nodesWritten);
            // one operation per changed key, per node, the block record and the latest version, maybe a prune list
            expect(a.operations - (a.keys + a.nodesWritten + 2)).toBeGreaterThanOrEqual(0);
            expect(a.operations - (a.keys + a.nodesWritten + 2)).toBeLessThanOrEqual(1);
          }
          await disk.close();
          const reopened = await openState({ path });
          expect(hex(reopened.root)).toBe(hex(memory.root));
          for (let v = 0; v < model.length; v++) {
            for (let k = 0; k < KEYS.length; k++) {
              expect(hex(reopened.getAt(KEYS[k]!, v))).toBe(hex(model[v]!.get(k)));
              if (v === model.length - 1) expect(hex(reopened.get(KEYS[k]!))).toBe(hex(model[v]!.get(k)));
            }
          }
          await reopened.close();
          await memory.close();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('native chained batches', () => {
  it('are closed once written, so the database does not keep them (and their operations) open', async () => {
    const { ClassicLevel } = await import('classic-level');
    const made: { close: () => Promise<void> }[] = [];
    const closed = new Set<unknown>();
    const proto = ClassicLevel.prototype as unknown as { _chainedBatch: () => { close: () => Promise<void> } };
    const original = proto._chainedBatch;
    proto._chainedBatch = function (this: unknown) {
      const batch = original.call(this);
      const close = batch.close.bind(batch);
      batch.close = () => {
        closed.add(batch);
        return close();
      };
      made.push(batch);
      return batch;
    };
    const dir = await mkdtemp(join(tmpdir(), 'gasket-batch-close-'));
    try {
      const store = await openState({ path: join(dir, 'db'), create: true, writeDelayMs: 0 });
      for (let b = 0; b < 20; b++) {
        store.put(Uint8Array.of(b), Uint8Array.of(b, b));
        await store.commitBlock();
      }
      await store.flushed();
      expect(made.length).toBeGreaterThan(0);
      expect(made.filter((batch) => !closed.has(batch))).toHaveLength(0);
      await store.close();
    } finally {
      proto._chainedBatch = original;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
