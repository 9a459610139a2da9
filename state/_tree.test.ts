import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyString } from './_bytes.js';
import { sha256 } from './_hash.js';
import { type Child, decodeMemo, decodeNode, encodeNode, MEMO_MAX, nodeHash, type TreeNode } from './_node.js';
import { type Change, lookup, TreeUpdate } from './_tree.js';
import { computeRoot } from './computeRoot.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * Runs blocks of changes through TreeUpdate over a Map of node bytes, keeping the decoded nodes of the levels up to
 * `keepDepth` as the store's node cache does (the pointers they hold carry the memos of the nodes below them).
 * Returns each block's root and written node bytes, and how many nodes came from a memo.
 */
function run(blocks: [number, number | null][][], keys: Uint8Array[], keepDepth: number) {
  const bytes = new Map<string, Buffer>();
  const kept = new Map<string, TreeNode>();
  const load = (key: Buffer): TreeNode => kept.get(hex(key)) ?? decodeNode(bytes.get(hex(key))!);
  const model = new Map<string, [Uint8Array, Uint8Array]>();
  let root: Child | undefined;
  const roots: string[] = [];
  const written: string[] = [];
  let memos = 0;
  blocks.forEach((block, b) => {
    const pending = new Map<string, Change>();
    for (const [k, v] of block) {
      const key = keys[k]!;
      const value = v === null ? null : Uint8Array.of(v, k, b);
      pending.set(keyString(key), { key, keyHash: sha256(key), value });
      if (value === null) model.delete(keyString(key));
      else model.set(keyString(key), [key, value]);
    }
    const changes = [...pending.values()].sort((x, y) => Buffer.compare(x.keyHash, y.keyHash));
    const update = new TreeUpdate(b + 1, load, keepDepth);
    root = update.apply(root, changes);
    for (const w of update.written) {
      const value = w.value ?? encodeNode(w.node!);
      bytes.set(hex(w.key), value);
      if (w.node !== undefined) kept.set(hex(w.key), w.node);
      written.push(`${hex(w.key)}=${hex(value)}`);
      if (w.node?.kind === 'internal') {
        for (const c of w.node.children) {
          if (c?.memo === undefined) continue;
          memos++;
          expect(c.memo.length).toBeLessThanOrEqual(MEMO_MAX);
          // a memo's leaf hashes are those of the leaves its bytes hold
          const fromMemo = decodeMemo(c.memo);
          if (fromMemo.kind !== 'internal') throw new Error('a memo of a leaf');
          const fromBytes = decodeNode(fromMemo.raw!);
          if (fromBytes.kind !== 'internal') throw new Error('a leaf');
          expect(fromMemo.children.map((x) => x?.hash)).toEqual(fromBytes.children.map((x) => x?.hash));
          expect(nodeHash(fromMemo)).toBe(c.hash);
        }
      }
    }
    roots.push(root === undefined ? hex(new Uint8Array(32)) : Buffer.from(root.hash, 'latin1').toString('hex'));
    expect(roots[b]).toBe(hex(computeRoot(model.values())));
    for (const [key, value] of model.values()) expect(hex(lookup(root, sha256(key), load)!.value)).toBe(hex(value));
  });
  return { roots, written, memos };
}

describe('tree update with node memos', () => {
  it('nodes changed through their memos give the same roots and bytes as nodes read back and rehashed', () => {
    const keys = Array.from({ length: 600 }, (_, i) => sha256(Uint8Array.of(i >> 8, i & 0xff)));
    const op = fc.tuple(fc.nat({ max: 599 }), fc.option(fc.nat({ max: 255 }), { freq: 5 }));
    fc.assert(
      fc.property(
        fc.array(fc.array(op, { minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(0, 1),
        (blocks, keepDepth) => {
          // keepDepth 0 or 1: every node below it carries a memo; Infinity: every node is kept decoded, no memos
          const withMemos = run(blocks, keys, keepDepth);
          const without = run(blocks, keys, Number.POSITIVE_INFINITY);
          expect(withMemos.roots).toEqual(without.roots);
          expect(withMemos.written).toEqual(without.written);
          expect(without.memos).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('memos are made below the kept levels, for nodes of at most MEMO_MAX bytes', () => {
    const keys = Array.from({ length: 300 }, (_, i) => sha256(Uint8Array.of(i >> 8, i & 0xff)));
    const block: [number, number | null][] = keys.map((_, i) => [i, i & 0xff]);
    // memos of depth-1 nodes (keepDepth 0: most too large at 300 keys) and of depth-2 nodes (keepDepth 1)
    expect(run([block, block.slice(0, 50)], keys, 0).memos).toBeGreaterThan(0);
    expect(run([block, block.slice(0, 50)], keys, 1).memos).toBeGreaterThan(0);
  });
});
