import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeKey } from './_nibbles.js';
import { makeInternal, type TreeNode } from './_node.js';
import { NodeCache } from './_nodeCache.js';

/** A node key of one of a few paths at depths 0-4, at one of a few versions (so that operations meet). */
const keyArb = fc
  .tuple(
    fc.oneof(fc.nat({ max: 3 }), fc.constant(2 ** 40)),
    fc.integer({ min: 0, max: 4 }),
    fc.constantFrom(0x00, 0x12, 0x1f, 0xf1, 0xff).map((b) => Uint8Array.of(b, 0x3c, 0, 0)),
  )
  .map(([version, depth, path]) => ({ version, depth, path, key: nodeKey(version, path, depth) }));

const opArb = fc.tuple(fc.constantFrom('set', 'delete', 'get'), keyArb);

describe('node cache (one slot per path of the top levels)', () => {
  it('agrees with a model holding, per path, the newest version set and not deleted', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const cache = new NodeCache(3, 16_384);
        const model = new Map<string, { version: number; node: TreeNode }>();
        for (const [op, { version, depth, path, key }] of ops) {
          const slot = key.subarray(9).toString('hex');
          const held = model.get(slot);
          if (op === 'set') {
            const node = makeInternal([]);
            cache.set(key, node);
            if (depth <= 3 && (held === undefined || held.version <= version)) model.set(slot, { version, node });
          } else if (op === 'delete') {
            cache.delete(key);
            if (held?.version === version) model.delete(slot);
          } else {
            expect(cache.get(key)).toBe(held?.version === version ? held.node : undefined);
            // the lookup without a node key sees the same slot
            expect(cache.getAt(version, path, depth)).toBe(cache.get(key));
          }
        }
      }),
    );
  });

  it('caches only the levels whose slots fit in the capacity', () => {
    expect(new NodeCache(3, 16_384).maxDepth).toBe(3);
    expect(new NodeCache(3, 4368).maxDepth).toBe(2);
    expect(new NodeCache(3, 17).maxDepth).toBe(1);
    expect(new NodeCache(3, 0).maxDepth).toBe(-1);
    const none = new NodeCache(3, 0);
    const key = nodeKey(1, new Uint8Array(32), 0);
    none.set(key, makeInternal([]));
    expect(none.get(key)).toBeUndefined();
  });

  it('reads versions beyond 32 bits from the key', () => {
    for (const v of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) {
      expect(NodeCache.versionOf(nodeKey(v, new Uint8Array(32), 2))).toBe(v);
    }
  });
});
