import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountKey, codeKey, contractStorage, openState, storageKey, storagePrefix } from './index.js';

const addr = fc.uint8Array({ minLength: 32, maxLength: 32 });
const userKey = fc.uint8Array({ maxLength: 48 });
const startsWith = (a: Uint8Array, p: Uint8Array) => a.length >= p.length && p.every((b, i) => a[i] === b);

describe('namespaces', () => {
  it('keys of different namespaces and different contracts never collide or prefix each other', () => {
    fc.assert(
      fc.property(addr, addr, userKey, userKey, (a, b, ka, kb) => {
        const sa = storageKey(a, ka);
        const sb = storageKey(b, kb);
        expect(startsWith(sa, accountKey(a))).toBe(false);
        expect(startsWith(sa, codeKey(a))).toBe(false);
        expect(startsWith(accountKey(a), codeKey(b))).toBe(false);
        if (Buffer.compare(a, b) !== 0) {
          expect(startsWith(sa, storagePrefix(b))).toBe(false);
          expect(Buffer.from(sa).equals(Buffer.from(sb))).toBe(false);
        }
      }),
    );
  });

  it('a contract storage view reads and writes only its own keys; listing by prefix sees only them', async () => {
    const state = await openState({ inMemory: true });
    const a = new Uint8Array(32).fill(1);
    const b = new Uint8Array(32).fill(2);
    const sa = contractStorage(state, a);
    const sb = contractStorage(state, b);
    sa.put(Uint8Array.of(1), Uint8Array.of(10));
    sb.put(Uint8Array.of(1), Uint8Array.of(20));
    expect(sa.get(Uint8Array.of(1))).toEqual(Uint8Array.of(10));
    expect(sb.get(Uint8Array.of(1))).toEqual(Uint8Array.of(20));
    sb.delete(Uint8Array.of(1));
    expect(sa.get(Uint8Array.of(1))).toEqual(Uint8Array.of(10));
    await state.commitBlock();
    const listed = [];
    for await (const [k] of state.entries(storagePrefix(a))) listed.push(Buffer.from(k).toString('hex'));
    expect(listed).toEqual([Buffer.from(storageKey(a, Uint8Array.of(1))).toString('hex')]);
    expect(() => accountKey(new Uint8Array(31))).toThrow(expect.objectContaining({ code: 'STATE_INPUT' }));
    expect(() => contractStorage(state, new Uint8Array(33))).toThrow(expect.objectContaining({ code: 'STATE_INPUT' }));
    await state.close();
  });
});
