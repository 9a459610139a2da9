import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INLINE_LEAF_MAX } from './_node.js';
import { computeRoot, decodeProof, EMPTY_ROOT, encodeProof, openState, type StateStore, verifyProof } from './index.js';

const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'));
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

function modelRoot(model: Map<string, Uint8Array>): Uint8Array {
  return computeRoot([...model].map(([k, v]) => [bytes(k), v] as const));
}

/** Checks every model key reads back, and the store's root equals the reference root of the model. */
function expectMatches(store: StateStore, model: Map<string, Uint8Array>): void {
  for (const [k, v] of model) expect(hex(store.get(bytes(k)))).toBe(hex(v));
  expect(hex(store.root)).toBe(hex(modelRoot(model)));
}

type Op =
  | { t: 'put'; k: number; v: Uint8Array }
  | { t: 'del'; k: number }
  | { t: 'checkpoint' }
  | { t: 'commit' }
  | { t: 'revert' }
  | { t: 'block' };

/** Mostly small values (leaves stored inline in their parent), sometimes ones too large to inline (leaf nodes). */
const valueArb = (small: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: small }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: INLINE_LEAF_MAX - 8, maxLength: INLINE_LEAF_MAX + 40 }) },
  );

const KEYS = Array.from({ length: 24 }, (_, i) => Uint8Array.of(i % 3, i, i * 7));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ t: fc.constant('put' as const), k: fc.nat(23), v: valueArb(40) }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('del' as const), k: fc.nat(23) }) },
  { weight: 2, arbitrary: fc.constant({ t: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'revert' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'block' as const }) },
);

describe('StateStore against a Map model', () => {
  it('values and roots agree through put/delete/checkpoint/commit/revert/commitBlock', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 80 }), async (ops) => {
        const store = await openState({ inMemory: true, valueCacheSize: 8 });
        // model: committed map plus a stack of snapshots for checkpoints
        let current = new Map<string, Uint8Array>();
        let committed = new Map<string, Uint8Array>();
        const frames: Map<string, Uint8Array>[] = [];
        const roots: Uint8Array[] = [store.root];
        const snapshots: Map<string, Uint8Array>[] = [new Map()];
        try {
          for (const op of ops) {
            switch (op.t) {
              case 'put':
                store.put(KEYS[op.k]!, op.v);
                current.set(hex(KEYS[op.k])!, op.v);
                break;
              case 'del':
                store.delete(KEYS[op.k]!);
                current.delete(hex(KEYS[op.k])!);
                break;
              case 'checkpoint':
                store.checkpoint();
                frames.push(new Map(current));
                break;
              case 'commit':
                if (frames.length === 0) {
                  expect(() => store.commit()).toThrow(expect.objectContaining({ code: 'STATE_NO_CHECKPOINT' }));
                } else {
                  store.commit();
                  frames.pop();
                }
                break;
              case 'revert':
                if (frames.length === 0) {
                  expect(() => store.revert()).toThrow(expect.objectContaining({ code: 'STATE_NO_CHECKPOINT' }));
                } else {
                  store.revert();
                  current = frames.pop()!;
                }
                break;
              case 'block':
                if (frames.length > 0) {
                  await expect(store.commitBlock()).rejects.toMatchObject({ code: 'STATE_OPEN_CHECKPOINT' });
                } else {
                  const { root, version } = await store.commitBlock();
                  committed = new Map(current);
                  expect(hex(root)).toBe(hex(modelRoot(committed)));
                  expect(version).toBe(BigInt(roots.length));
                  roots.push(root);
                  snapshots.push(committed);
                }
                break;
            }
            for (const [i, key] of KEYS.entries()) {
              if (i % 5 === 0) expect(hex(store.get(key))).toBe(hex(current.get(hex(key)!)));
            }
          }
          while (frames.length > 0) {
            store.commit();
            frames.pop();
          }
          await store.commitBlock();
          committed = current;
          snapshots.push(new Map(committed));
          expectMatches(store, committed);
          // every older version still reads back as it was
          for (const [v, snap] of snapshots.entries()) {
            for (const key of KEYS) expect(hex(store.getAt(key, BigInt(v)))).toBe(hex(snap.get(hex(key)!)));
          }
          // listing in key order equals the sorted model
          const listed: [string, string][] = [];
          for await (const [k, v] of store.entries()) listed.push([hex(k)!, hex(v)!]);
          expect(listed).toEqual([...committed].map(([k, v]) => [k, hex(v)!]).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
        } finally {
          await store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

const keyArb = fc.uint8Array({ minLength: 1, maxLength: 40 });

async function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'gasket-state-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('root depends only on the final key/value set', () => {
  it('same set through different orders, block splits, overwrites, deletes and reopenings gives the same root', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(keyArb, valueArb(24)), {
          minLength: 1,
          maxLength: 60,
          selector: ([k]) => hex(k),
        }),
        fc.array(keyArb, { maxLength: 10 }),
        fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
        async (entries, noise, seeds) => {
          const expected = hex(computeRoot(entries));
          const roots: (string | undefined)[] = [];
          // 1: in memory, given order, one block
          const a = await openState({ inMemory: true });
          for (const [k, v] of entries) a.put(k, v);
          roots.push(hex((await a.commitBlock()).root));
          await a.close();
          // 2: on disk, reversed order with noise keys written then deleted, split into blocks, reopened between blocks
          await withTmp(async (dir) => {
            const order = [...entries].reverse();
            const split = 1 + (seeds[0]! % order.length);
            let store = await openState({ path: dir, create: true });
            for (const k of noise) store.put(k, Uint8Array.of(1, 2, 3));
            for (const [i, [k, v]] of order.entries()) {
              store.put(k, Uint8Array.of(...v, 9));
              store.checkpoint();
              store.put(k, v);
              if (i % 3 === seeds[1]! % 3) store.revert();
              else store.commit();
              if (i % 3 === seeds[1]! % 3) store.put(k, v);
              if (i === split) {
                await store.commitBlock();
                await store.close();
                store = await openState({ path: dir });
              }
            }
            await store.commitBlock();
            const noiseOnly = noise.filter((n) => !entries.some(([k]) => hex(k) === hex(n)));
            for (const k of noiseOnly) store.delete(k);
            roots.push(hex((await store.commitBlock()).root));
            await store.close();
            store = await openState({ path: dir });
            roots.push(hex(store.root));
            await store.close();
          });
          // 3: every key in its own block, in a rotated order
          const c = await openState({ inMemory: true });
          const rot = seeds[2]! % entries.length;
          for (const [k, v] of [...entries.slice(rot), ...entries.slice(0, rot)]) {
            c.put(k, v);
            await c.commitBlock();
          }
          roots.push(hex(c.root));
          await c.close();
          expect(roots).toEqual(roots.map(() => expected));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('proofs', () => {
  it('inclusion proofs verify for every key, non-inclusion for absent keys; tampering fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(keyArb, valueArb(24)), {
          maxLength: 80,
          selector: ([k]) => hex(k),
        }),
        fc.array(keyArb, { maxLength: 8 }),
        fc.nat(),
        async (entries, absent, flip) => {
          const store = await openState({ inMemory: true });
          try {
            for (const [k, v] of entries) store.put(k, v);
            await store.commitBlock();
            const root = store.root;
            for (const [k, v] of entries) {
              const proof = store.prove(k);
              expect(verifyProof(root, k, v, proof)).toBe(true);
              const encoded = encodeProof(proof);
              expect(verifyProof(root, k, v, encoded)).toBe(true);
              expect(verifyProof(root, k, Uint8Array.of(...v, 0), proof)).toBe(false);
              expect(verifyProof(root, k, null, proof)).toBe(false);
              const bad = Uint8Array.from(encoded);
              const i = flip % bad.length;
              bad[i]! ^= 1 << (flip % 8);
              expect(verifyProof(root, k, v, bad)).toBe(false);
              const badRoot = Uint8Array.from(root);
              badRoot[flip % 32]! ^= 0x80;
              expect(verifyProof(badRoot, k, v, proof)).toBe(false);
            }
            for (const k of absent) {
              if (entries.some(([e]) => hex(e) === hex(k))) continue;
              const proof = store.prove(k);
              expect(verifyProof(root, k, null, proof)).toBe(true);
              expect(verifyProof(root, k, null, decodeProof(encodeProof(proof)))).toBe(true);
              expect(verifyProof(root, k, new Uint8Array(0), proof)).toBe(false);
              const encoded = encodeProof(proof);
              const bad = Uint8Array.from(encoded);
              bad[flip % bad.length]! ^= 1 << (flip % 8);
              expect(verifyProof(root, k, null, bad)).toBe(false);
            }
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('proves against older versions, and a proof of one version fails against another root', async () => {
    const store = await openState({ inMemory: true });
    const k = Uint8Array.of(1, 2, 3);
    store.put(k, Uint8Array.of(1));
    store.put(Uint8Array.of(9), Uint8Array.of(9));
    await store.commitBlock();
    store.put(k, Uint8Array.of(2));
    await store.commitBlock();
    const p1 = store.prove(k, 1n);
    expect(verifyProof(store.rootAt(1n), k, Uint8Array.of(1), p1)).toBe(true);
    expect(verifyProof(store.rootAt(2n), k, Uint8Array.of(1), p1)).toBe(false);
    expect(verifyProof(store.rootAt(2n), k, Uint8Array.of(2), store.prove(k))).toBe(true);
    const nodeSha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
    expect(verifyProof(store.rootAt(2n), k, Uint8Array.of(2), store.prove(k), { sha256: nodeSha256 })).toBe(true);
    expect(verifyProof(store.rootAt(2n), k, Uint8Array.of(1), store.prove(k), { sha256: nodeSha256 })).toBe(false);
    expect(verifyProof(store.rootAt(0n), k, null, store.prove(k, 0n))).toBe(true);
    expect(store.rootAt(0n)).toEqual(EMPTY_ROOT);
    await store.close();
  });
});

describe('block commits sort changes by key hash', () => {
  // Three keys whose SHA-256 share the first four bytes (40ec4e0a; found by a search over 16 million 4-byte
  // keys), the first and the last also the fifth byte's high nibble (d; the middle one's is c). commitBlock sorts
  // by the four bytes as a number first, so these must be ordered by the rest of the hash: out of order, the
  // middle key can split the other two's group at depth 8 and one of them is lost from the tree.
  const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const triple = [u32(2770969), u32(7658299), u32(14721416)];
  const permutations = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];

  it('the three keys share the first four hash bytes and differ after', () => {
    const [a, b, c] = triple.map((k) => createHash('sha256').update(k).digest());
    expect(a!.subarray(0, 4)).toEqual(b!.subarray(0, 4));
    expect(a!.subarray(0, 4)).toEqual(c!.subarray(0, 4));
    expect(a!.equals(b!) || a!.equals(c!) || b!.equals(c!)).toBe(false);
  });

  it('keys with equal leading hash bytes, put in any order among other keys, give the reference root', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.nat(3000), { maxLength: 40 }),
        fc.constantFrom(...permutations),
        fc.nat(40),
        fc.option(fc.nat(2)),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        async (others, order, at, earlier, value) => {
          const store = await openState({ inMemory: true });
          const model = new Map<string, Uint8Array>();
          const put = (k: Uint8Array) => {
            store.put(k, value);
            model.set(hex(k)!, value);
          };
          // optionally one of the three is already in the tree (the update merges the others into its slot)
          if (earlier !== null) {
            put(triple[earlier]!);
            await store.commitBlock();
          }
          const keys = others.map(u32);
          keys.splice(Math.min(at, keys.length), 0, ...order.map((i) => triple[i]!));
          for (const k of keys) put(k);
          await store.commitBlock();
          expectMatches(store, model);
          await store.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
