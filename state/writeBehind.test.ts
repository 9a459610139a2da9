/**
 * Write-behind: `commitBlock` returns before its batch is on disk. While batches wait (held back here by a gate
 * on memory-level's `_batch`), every read must see the committed blocks as if written, later blocks must build
 * on them (their nodes come from the unwritten batches), and `flushed()` must resolve only once they are written,
 * in block order. A failed write must be reported by `flushed()`, the next `commitBlock` and `close()`, and no
 * later block may reach the disk.
 * @module
 */
import fc from 'fast-check';
import { MemoryLevel } from 'memory-level';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { computeRoot, openState, type StateStore, verifyProof } from './index.js';

type Op = { key: Buffer; value?: Buffer };
type Batch = (this: unknown, ops: Op[], options: unknown) => Promise<void>;
/** memory-level's `_batch` (what the store writes blocks through), typed for spying. */
const proto = MemoryLevel.prototype as unknown as { _batch: Batch };
const realBatch = proto._batch;

/** The blocks a batch writes: the versions its META latest records name, in order (a group has one a block). */
function versionsOf(ops: Op[]): number[] {
  return ops
    .filter((op) => op.key.toString('latin1') === 'Mlatest' && op.value !== undefined)
    .map((op) => Number(op.value!.readBigUInt64BE(0)));
}

/**
 * Holds every block batch until `release()`; `written` lists the blocks written, in order, and `batches` the
 * blocks of each batch (group commit: one batch may carry several).
 */
function gateWrites() {
  const held: (() => void)[] = [];
  const written: number[] = [];
  const batches: number[][] = [];
  let open = false;
  vi.spyOn(proto, '_batch').mockImplementation(async function (this: unknown, ops: Op[], options: unknown) {
    if (!open) await new Promise<void>((resolve) => held.push(resolve));
    const versions = versionsOf(ops);
    written.push(...versions);
    batches.push(versions);
    return realBatch.call(this, ops, options);
  });
  return {
    written,
    batches,
    release(): void {
      open = true;
      for (const resolve of held.splice(0)) resolve();
    },
  };
}

const key = (i: number) => Uint8Array.of(9, i >> 8, i & 255);
const value = (b: number, i: number) => Uint8Array.of(b, i & 255, i >> 8);
const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('write-behind', () => {
  it('reads, proofs and later blocks see blocks whose batches are not written yet; flushed() waits for them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.tuple(fc.nat(600), fc.boolean()), { minLength: 1, maxLength: 300 }), {
          // at most 4: a fifth unwritten block makes commitBlock wait for the oldest write (held here)
          minLength: 2,
          maxLength: 4,
        }),
        fc.constantFrom(0, 16_384),
        async (blocks, nodeCacheSize) => {
          // nodeCacheSize 0: every node a block builds on is read back from the unwritten batches
          const store = await openState({ inMemory: true, nodeCacheSize, valueCacheSize: 0 });
          const gate = gateWrites();
          try {
            const models: Map<string, Uint8Array>[] = [new Map()];
            const roots: Uint8Array[] = [store.root];
            for (const [b, ops] of blocks.entries()) {
              const model = new Map(models[models.length - 1]);
              for (const [k, del] of ops) {
                if (del) {
                  store.delete(key(k));
                  model.delete(hex(key(k))!);
                } else {
                  store.put(key(k), value(b, k));
                  model.set(hex(key(k))!, value(b, k));
                }
              }
              const { root } = await store.commitBlock();
              expect(hex(root)).toBe(hex(computeRoot([...model].map(([k, v]) => [Buffer.from(k, 'hex'), v] as const))));
              models.push(model);
              roots.push(root);
            }
            let flushed = false;
            const done = store.flushed().then(() => {
              flushed = true;
            });
            await new Promise((resolve) => setImmediate(resolve));
            expect(flushed).toBe(false);
            expect(gate.written).toEqual([]);
            await checkReads(store, models, roots);
            gate.release();
            await done;
            expect(gate.written).toEqual(blocks.map((_, i) => i + 1));
            await checkReads(store, models, roots);
            await store.close();
          } finally {
            // a failed check must not leave writes held (the shrinker's next runs would wait on them)
            gate.release();
            vi.restoreAllMocks();
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('a failed write is reported by flushed(), the next commitBlock and close(); later blocks never reach the disk', async () => {
    const written: number[] = [];
    let calls = 0;
    vi.spyOn(proto, '_batch').mockImplementation(async function (this: unknown, ops: Op[], options: unknown) {
      calls++;
      if (calls === 3) throw new Error('disk full');
      written.push(...versionsOf(ops));
      return realBatch.call(this, ops, options);
    });
    const store = await openState({ inMemory: true });
    calls = 0; // the creation batch does not count
    written.length = 0;
    for (let b = 1; b <= 4; b++) {
      store.put(key(b), value(b, b));
      await store.commitBlock();
      // blocks 1 and 2 land one batch each; 3 and 4 follow at once (one group or two: 3 fails either way)
      if (b <= 2) await store.flushed();
    }
    await expect(store.flushed()).rejects.toMatchObject({ code: 'STATE_WRITE_FAILED', version: 3n });
    expect(written).toEqual([1, 2]);
    store.put(key(5), value(5, 5));
    await expect(store.commitBlock()).rejects.toMatchObject({ code: 'STATE_WRITE_FAILED' });
    await expect(store.prune(1)).rejects.toMatchObject({ code: 'STATE_WRITE_FAILED' });
    await expect(store.close()).rejects.toMatchObject({ code: 'STATE_WRITE_FAILED' });
    expect(written).toEqual([1, 2]);
  });
});

describe('group commit', () => {
  it('blocks committed while a write is under way share the next batch, in order', async () => {
    const store = await openState({ inMemory: true, valueCacheSize: 0 });
    const gate = gateWrites();
    for (let b = 1; b <= 5; b++) {
      store.put(key(b), value(b, b));
      await store.commitBlock();
    }
    gate.release();
    await store.flushed();
    // the first batch was under way (held) while blocks 2-5 were committed: they were written together
    expect(gate.batches).toEqual([[1], [2, 3, 4, 5]]);
    for (let b = 1; b <= 5; b++) expect(hex(store.get(key(b)))).toBe(hex(value(b, b)));
    await store.close();
  });

  it('writeDelayMs holds a run of blocks for one write; flushed() and close() start it at once', async () => {
    const gate = gateWrites();
    gate.release();
    // a delay no test waits for: only flushed() can have started the write
    const store = await openState({ inMemory: true, writeDelayMs: 600_000 });
    gate.batches.length = 0;
    const roots: Uint8Array[] = [];
    for (let b = 1; b <= 6; b++) {
      store.put(key(b), value(b, b));
      roots.push((await store.commitBlock()).root);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(gate.batches).toEqual([]);
    for (let b = 1; b <= 6; b++) expect(hex(store.rootAt(b))).toBe(hex(roots[b - 1]));
    await store.flushed();
    expect(gate.batches).toEqual([[1, 2, 3, 4, 5, 6]]);
    store.put(key(7), value(7, 7));
    await store.commitBlock();
    await store.close();
    expect(gate.batches).toEqual([[1, 2, 3, 4, 5, 6], [7]]);
  });

  it('writeDelayMs: a waiting group is written once its delay has passed', async () => {
    const gate = gateWrites();
    gate.release();
    const store = await openState({ inMemory: true, writeDelayMs: 5 });
    gate.batches.length = 0;
    for (let b = 1; b <= 3; b++) {
      store.put(key(b), value(b, b));
      await store.commitBlock();
    }
    expect(gate.batches).toEqual([]);
    await vi.waitFor(() => expect(gate.batches).toEqual([[1, 2, 3]]), { timeout: 2000, interval: 5 });
    await store.close();
  });

  it('many small blocks wait for the disk only at the queue bound, and the store stays consistent', async () => {
    const store = await openState({ inMemory: true });
    const gate = gateWrites();
    const committed: Promise<unknown>[] = [];
    // held writes: small blocks go on committing (64 may be unwritten) until the bound makes one wait
    let done = 0;
    const run = (async () => {
      for (let b = 1; b <= 80; b++) {
        store.put(key(b), value(b, b));
        committed.push(store.commitBlock());
        await committed[committed.length - 1];
        done = b;
      }
    })();
    await vi.waitFor(() => expect(done).toBeGreaterThanOrEqual(64), { timeout: 2000, interval: 5 });
    expect(done).toBeLessThan(80);
    gate.release();
    await run;
    await store.flushed();
    expect(gate.written).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    await store.close();
  });
});

async function checkReads(store: StateStore, models: Map<string, Uint8Array>[], roots: Uint8Array[]): Promise<void> {
  const latest = models.length - 1;
  const model = models[latest]!;
  for (let k = 0; k <= 600; k += 7) {
    expect(hex(store.get(key(k)))).toBe(hex(model.get(hex(key(k))!)));
    for (let v = 0; v <= latest; v++) expect(hex(store.getAt(key(k), v))).toBe(hex(models[v]!.get(hex(key(k))!)));
    const proof = store.prove(key(k), latest - 1);
    const old = models[latest - 1]!.get(hex(key(k))!) ?? null;
    expect(verifyProof(roots[latest - 1]!, key(k), old, proof)).toBe(true);
  }
  for (let v = 0; v <= latest; v++) expect(hex(store.rootAt(v))).toBe(hex(roots[v]));
  const listed = new Map<string, string>();
  for await (const [k, v] of store.entries()) listed.set(hex(k)!, hex(v)!);
  expect(listed).toEqual(new Map([...model].map(([k, v]) => [k, hex(v)!])));
}
