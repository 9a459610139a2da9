/**
 * The lookup index beside the state (`commitBlock`'s `lookups`, `lookup`, `writeLookups`): entries are readable as
 * soon as their block is committed (before its batch lands), survive reopening, land with their block or not at
 * all, stay outside the root, and are left in place by `revertTo` (the documented contract: the caller checks what
 * an entry points to). Run against the disk store and the in-memory one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type LookupEntry, openState, StateInputError, type StateStore } from './index.js';

const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('hex'));
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function diskPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gasket-lookups-'));
  dirs.push(dir);
  return join(dir, 'db');
}

const entryArb = fc.record({
  key: fc.uint8Array({ minLength: 1, maxLength: 3 }).map((k) => Uint8Array.of(7, ...k)),
  value: fc.uint8Array({ maxLength: 40 }),
});

describe('lookup index', () => {
  it('reads the latest entry of each key, before and after the batch lands and after reopening', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(entryArb, { maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        async (blocks) => {
          const path = await diskPath();
          const stores: StateStore[] = [await openState({ path, create: true }), await openState({ inMemory: true })];
          const model = new Map<string, string>();
          for (const [b, entries] of blocks.entries()) {
            for (const store of stores) {
              store.put(Uint8Array.of(b), Uint8Array.of(b));
              await store.commitBlock(undefined, () => entries);
            }
            for (const { key, value } of entries) model.set(hex(key)!, hex(value)!);
            // read at once: the disk store's batch is usually still being written
            for (const store of stores) {
              for (const [k, v] of model) expect(hex(store.lookup(Buffer.from(k, 'hex')))).toBe(v);
            }
          }
          expect(hex(stores[0]!.root)).toBe(hex(stores[1]!.root));
          await stores[0]!.close();
          const reopened = await openState({ path });
          for (const [k, v] of model) expect(hex(reopened.lookup(Buffer.from(k, 'hex')))).toBe(v);
          expect(reopened.lookup(Uint8Array.of(8))).toBeUndefined();
          await reopened.close();
          await stores[1]!.close();
        },
      ),
      { numRuns: 15 },
    );
  });

  it('gives the callback the new root and leaves the root as without entries', async () => {
    const plain = await openState({ inMemory: true });
    const indexed = await openState({ inMemory: true });
    let seen: Uint8Array | undefined;
    for (const store of [plain, indexed]) store.put(Uint8Array.of(1), Uint8Array.of(2));
    const a = await plain.commitBlock();
    const b = await indexed.commitBlock(undefined, (root) => {
      seen = root;
      return [{ key: Uint8Array.of(1), value: root }];
    });
    expect(hex(b.root)).toBe(hex(a.root));
    expect(hex(seen)).toBe(hex(b.root));
    expect(hex(indexed.lookup(Uint8Array.of(1)))).toBe(hex(b.root));
  });

  it('refuses a bad entry before committing anything: the overlay and the version stay as they were', async () => {
    const store = await openState({ inMemory: true });
    store.put(Uint8Array.of(1), Uint8Array.of(2));
    const bad: LookupEntry[] = [{ key: new Uint8Array(0), value: Uint8Array.of(1) }];
    await expect(store.commitBlock(undefined, () => bad)).rejects.toBeInstanceOf(StateInputError);
    expect(store.version).toBe(0n);
    expect(hex(store.get(Uint8Array.of(1)))).toBe('02');
    const ok = await store.commitBlock(undefined, () => [{ key: Uint8Array.of(5), value: Uint8Array.of(6) }]);
    expect(ok.version).toBe(1n);
    expect(() => store.lookup(new Uint8Array(300))).toThrow(StateInputError);
    await expect(store.writeLookups([{ key: Uint8Array.of(1), value: new Uint8Array(5000) }])).rejects.toBeInstanceOf(
      StateInputError,
    );
  });

  it('keeps entries through revertTo, and writeLookups adds entries outside any block', async () => {
    const path = await diskPath();
    const store = await openState({ path, create: true });
    store.put(Uint8Array.of(1), Uint8Array.of(1));
    await store.commitBlock(undefined, () => [{ key: Uint8Array.of(9), value: Uint8Array.of(1) }]);
    store.put(Uint8Array.of(1), Uint8Array.of(2));
    await store.commitBlock(undefined, () => [{ key: Uint8Array.of(9), value: Uint8Array.of(2) }]);
    await store.revertTo(1n);
    expect(hex(store.lookup(Uint8Array.of(9)))).toBe('02');
    await store.writeLookups([{ key: Uint8Array.of(10), value: Uint8Array.of(3) }]);
    expect(hex(store.lookup(Uint8Array.of(10)))).toBe('03');
    await store.close();
    const reopened = await openState({ path });
    expect(hex(reopened.lookup(Uint8Array.of(10)))).toBe('03');
    expect(hex(reopened.lookup(Uint8Array.of(9)))).toBe('02');
    await reopened.close();
  });
});
