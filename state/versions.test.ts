import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBlock, META_LATEST, META_PRUNED, P_BLOCK, u64, versionKey } from './_layout.js';
import { nodeKey, pathOf } from './_nibbles.js';
import { decodeNode, INLINE_LEAF_MAX } from './_node.js';
import { computeRoot, openState, type StateStore, verifyProof } from './index.js';

const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'));
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

type Block = { puts: [number, Uint8Array][]; dels: number[] };
const blockArb: fc.Arbitrary<Block> = fc.record({
  // mostly inline-sized values, sometimes leaves too large to inline (their own nodes, listed stale when replaced)
  puts: fc.array(
    fc.tuple(
      fc.nat(40),
      fc.oneof(
        { weight: 4, arbitrary: fc.uint8Array({ maxLength: 16 }) },
        { weight: 1, arbitrary: fc.uint8Array({ minLength: INLINE_LEAF_MAX, maxLength: INLINE_LEAF_MAX + 20 }) },
      ),
    ),
    { maxLength: 12 },
  ),
  dels: fc.array(fc.nat(40), { maxLength: 4 }),
});
const keyOf = (i: number) => Uint8Array.of(7, i, i ^ 0x5a);

/** Applies blocks, returning the model snapshot after each version (index = version). */
async function applyBlocks(store: StateStore, blocks: Block[]): Promise<Map<string, Uint8Array>[]> {
  const snaps = [new Map<string, Uint8Array>()];
  let model = new Map<string, Uint8Array>();
  for (const b of blocks) {
    model = new Map(model);
    for (const [k, v] of b.puts) {
      store.put(keyOf(k), v);
      model.set(hex(keyOf(k))!, v);
    }
    for (const k of b.dels) {
      store.delete(keyOf(k));
      model.delete(hex(keyOf(k))!);
    }
    await store.commitBlock();
    snaps.push(model);
  }
  return snaps;
}

async function listing(store: StateStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const [k, v] of store.entries()) out.set(hex(k)!, hex(v)!);
  return out;
}

const asHex = (m: Map<string, Uint8Array>) => new Map([...m].map(([k, v]) => [k, hex(v)!]));

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'gasket-state-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Counts the node records in a closed database and the nodes reachable from its latest root. */
async function nodeCounts(dir: string): Promise<{ stored: number; reachable: number }> {
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  try {
    let stored = 0;
    for await (const _ of db.keys({ gte: Buffer.of(0x4e), lt: Buffer.of(0x4f) })) stored++;
    const latest = Number((await db.get(META_LATEST))!.readBigUInt64BE(0));
    const { rootNode } = decodeBlock((await db.get(versionKey(P_BLOCK, latest)))!);
    let reachable = 0;
    const walk = async (version: number, path: Uint8Array, depth: number): Promise<void> => {
      reachable++;
      const node = decodeNode((await db.get(nodeKey(version, path, depth)))!);
      if (node.kind === 'leaf') return;
      for (let s = 0; s < 16; s++) {
        const c = node.children[s];
        if (c !== undefined && c.inline === undefined) await walk(c.version, pathOf(path, depth, s), depth + 1);
      }
    };
    if (rootNode !== undefined) await walk(rootNode.version, new Uint8Array(32), 0);
    return { stored, reachable };
  } finally {
    await db.close();
  }
}

describe('versions', () => {
  it('getAt and prove read every committed version; prune keeps exactly the last k and only live nodes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(blockArb, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 4 }),
        async (blocks, keep) => {
          await withTmp(async (dir) => {
            const store = await openState({ path: dir, create: true });
            const snaps = await applyBlocks(store, blocks);
            const latest = snaps.length - 1;
            for (const [v, snap] of snaps.entries()) {
              expect(hex(store.rootAt(v))).toBe(hex(computeRoot([...snap].map(([k, x]) => [bytes(k), x] as const))));
              for (let k = 0; k <= 40; k += 3)
                expect(hex(store.getAt(keyOf(k), v))).toBe(hex(snap.get(hex(keyOf(k))!)));
            }
            const { oldestVersion } = await store.prune(keep);
            expect(oldestVersion).toBe(BigInt(Math.max(0, latest - keep + 1)));
            for (const [v, snap] of snaps.entries()) {
              if (v < Number(oldestVersion)) {
                expect(() => store.getAt(keyOf(1), v)).toThrow(
                  expect.objectContaining({ code: 'STATE_VERSION_PRUNED' }),
                );
                expect(store.rootAt(v)).toHaveLength(32);
                continue;
              }
              for (let k = 0; k <= 40; k++) {
                const key = keyOf(k);
                const value = snap.get(hex(key)!) ?? null;
                expect(hex(store.getAt(key, v))).toBe(hex(value ?? undefined));
                expect(verifyProof(store.rootAt(v), key, value, store.prove(key, v))).toBe(true);
              }
            }
            expect(await listing(store)).toEqual(asHex(snaps[latest]!));
            await store.close();
            if (keep === 1) {
              const { stored, reachable } = await nodeCounts(dir);
              expect(stored).toBe(reachable);
            }
          });
        },
      ),
      { numRuns: 15 },
    );
  });

  it('a prune interrupted after recording its horizon is finished by the next prune', async () => {
    await withTmp(async (dir) => {
      let store = await openState({ path: dir, create: true });
      for (let b = 0; b < 6; b++) {
        for (let i = 0; i < 30; i++) store.put(keyOf(i), Uint8Array.of(b, i));
        await store.commitBlock();
      }
      await store.close();
      // the crash: the horizon was recorded, no stale node was deleted yet
      const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
      await db.open();
      await db.put(META_PRUNED, Buffer.from(u64(6)));
      await db.close();
      expect((await nodeCounts(dir)).stored).toBeGreaterThan((await nodeCounts(dir)).reachable);
      store = await openState({ path: dir });
      expect(store.oldestVersion).toBe(6n);
      const { removedNodes } = await store.prune(100);
      expect(removedNodes).toBeGreaterThan(0);
      await store.close();
      const { stored, reachable } = await nodeCounts(dir);
      expect(stored).toBe(reachable);
    });
  });

  it('revertTo restores the flat index, root and tree of an older version, on disk and after reopening', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(blockArb, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.array(blockArb, { maxLength: 3 }),
        async (blocks, pick, after) => {
          await withTmp(async (dir) => {
            let store = await openState({ path: dir, create: true });
            const snaps = await applyBlocks(store, blocks);
            const target = pick % snaps.length;
            const roots = snaps.map((_, v) => hex(store.rootAt(v)));
            store.put(keyOf(0), Uint8Array.of(99)); // an uncommitted write is dropped
            await store.revertTo(target);
            expect(store.version).toBe(BigInt(target));
            expect(hex(store.root)).toBe(roots[target]);
            expect(await listing(store)).toEqual(asHex(snaps[target]!));
            for (let k = 0; k <= 40; k++)
              expect(hex(store.get(keyOf(k)))).toBe(hex(snaps[target]!.get(hex(keyOf(k))!)));
            expect(() => store.getAt(keyOf(0), target + 1)).toThrow(
              expect.objectContaining({ code: 'STATE_VERSION_UNKNOWN' }),
            );
            // the chain continues from there, and reopening sees the same state
            await applyBlocks(store, after);
            if (after.length > 0) {
              // applyBlocks' model starts empty; the expected set replays `after` on the target snapshot
              const model = new Map(snaps[target]!);
              for (const b of after) {
                for (const [k, v] of b.puts) model.set(hex(keyOf(k))!, v);
                for (const k of b.dels) model.delete(hex(keyOf(k))!);
              }
              expect(await listing(store)).toEqual(asHex(model));
              expect(hex(store.root)).toBe(hex(computeRoot([...model].map(([k, v]) => [bytes(k), v] as const))));
            }
            const root = hex(store.root);
            const listed = await listing(store);
            await store.close();
            store = await openState({ path: dir });
            expect(hex(store.root)).toBe(root);
            expect(await listing(store)).toEqual(listed);
            for (let v = 0; v <= target; v++) expect(hex(store.rootAt(v))).toBe(roots[v]);
            await store.close();
          });
        },
      ),
      { numRuns: 15 },
    );
  });

  it('prefix listing merges the overlay and the flat index in key order', async () => {
    const store = await openState({ inMemory: true });
    const k = (...b: number[]) => Uint8Array.from(b);
    store.put(k(1, 1), k(1));
    store.put(k(1, 3), k(3));
    store.put(k(2, 0), k(9));
    await store.commitBlock();
    store.put(k(1, 2), k(2));
    store.delete(k(1, 3));
    store.put(k(1), k(0));
    const listed: string[] = [];
    for await (const [key, v] of store.entries(k(1))) listed.push(`${hex(key)}=${hex(v)}`);
    expect(listed).toEqual(['01=00', '0101=01', '0102=02']);
    await store.close();
  });
});
