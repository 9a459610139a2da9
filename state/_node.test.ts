import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Child,
  decodeNode,
  deriveInternal,
  encodeNode,
  INLINE_LEAF_MAX,
  type InternalNode,
  makeInternal,
  makeLeaf,
  nodeHash,
} from './_node.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A child slot: empty, a pointer to a node (any version, leaf or internal), or a leaf stored inline. */
const childArb: fc.Arbitrary<Child | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record({
    version: fc.nat({ max: 2 ** 40 }),
    hash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('latin1')),
    leaf: fc.boolean(),
  }),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.uint8Array({ maxLength: 200 }))
    .filter(([k, v]) => k.length + v.length <= INLINE_LEAF_MAX)
    .map(([k, v]): Child => {
      const leaf = makeLeaf(k, v);
      return { version: 0, hash: leaf.hash, leaf: true, inline: leaf };
    }),
);

describe('node encoding (format 2)', () => {
  it('internal nodes round-trip: pointers, versions of any size and inline leaves, same hash', () => {
    fc.assert(
      fc.property(fc.array(childArb, { minLength: 16, maxLength: 16 }), (children) => {
        const node: InternalNode = makeInternal(children);
        const decoded = decodeNode(encodeNode(node));
        if (decoded.kind !== 'internal') throw new Error('decoded a leaf');
        for (let s = 0; s < 16; s++) {
          const a = children[s];
          const b = decoded.children[s];
          if (a === undefined) {
            expect(b).toBeUndefined();
            continue;
          }
          expect(b?.hash).toBe(a.hash);
          expect(b?.leaf).toBe(a.leaf);
          if (a.inline === undefined) expect(b?.version).toBe(a.version);
          else {
            expect(hex(b!.inline!.key)).toBe(hex(a.inline.key));
            expect(hex(b!.inline!.value)).toBe(hex(a.inline.value));
          }
        }
        expect(nodeHash(decoded)).toBe(nodeHash(makeInternal(children.slice())));
      }),
    );
  });

  it('rejects truncated and trailing bytes', () => {
    const leaf = makeLeaf(Uint8Array.of(1, 2), Uint8Array.of(3));
    const children = new Array<Child | undefined>(16);
    children[3] = { version: 300, hash: 'h'.repeat(32), leaf: false };
    children[9] = { version: 0, hash: leaf.hash, leaf: true, inline: leaf };
    const bytes = encodeNode(makeInternal(children));
    expect(() => decodeNode(bytes.subarray(0, bytes.length - 1))).toThrow(RangeError);
    expect(() => decodeNode(Buffer.concat([bytes, Buffer.of(0)]))).toThrow(RangeError);
  });

  it('a node derived from an encoded base encodes byte-identically to its full encoding, block after block', () => {
    const change = fc.tuple(fc.nat({ max: 15 }), childArb);
    fc.assert(
      fc.property(
        fc.array(childArb, { minLength: 16, maxLength: 16 }),
        fc.array(fc.tuple(fc.array(change, { minLength: 1, maxLength: 5 }), fc.boolean()), { maxLength: 6 }),
        (start, rounds) => {
          // the first base comes from bytes, as the store loads it
          let base = decodeNode(encodeNode(makeInternal(start))) as InternalNode;
          for (const [changes, reload] of rounds) {
            const children = base.children.slice();
            let changed = 0;
            for (const [slot, child] of changes) {
              children[slot] = child;
              changed |= 1 << slot;
            }
            const derived = deriveInternal(base, children, changed);
            const bytes = encodeNode(derived);
            const full = makeInternal(children.slice());
            expect(hex(bytes)).toBe(hex(encodeNode(full)));
            expect(nodeHash(derived)).toBe(nodeHash(full));
            // next round derives from the node just encoded (kept in the node cache) or from its bytes reloaded
            base = reload ? (decodeNode(bytes) as InternalNode) : derived;
          }
        },
      ),
    );
  });
});

describe('LeafNode.detached', () => {
  it('keeps the same bytes and hashes in arrays of its own (no view of a shared pool slab)', () => {
    const pooled = Buffer.from('0011223344556677889900112233445566778899aabbccddeeff', 'hex');
    const key = pooled.subarray(0, 10);
    const value = pooled.subarray(10);
    const leaf = makeLeaf(key, value);
    const own = leaf.detached();
    expect(Buffer.from(own.key).equals(key)).toBe(true);
    expect(Buffer.from(own.value).equals(value)).toBe(true);
    expect(own.hash).toBe(leaf.hash);
    expect(Buffer.from(own.keyHash).equals(Buffer.from(leaf.keyHash))).toBe(true);
    expect(own.valueHash).toBe(leaf.valueHash);
    for (const [copy, source] of [
      [own.key, key],
      [own.value, value],
    ] as const) {
      expect(copy.buffer).not.toBe(source.buffer);
      expect(copy.byteLength).toBe(copy.buffer.byteLength);
    }
  });
});
