import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, readU64, readU128, sha256, toHex, u64, u128 } from './codec.js';

/** The fixed-width integers as first written (a DataView per call): what every stored hash was computed over. */
function reference(value: bigint, bytes: 8 | 16): Uint8Array {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt.asUintN(64, value), true);
  if (bytes === 16) view.setBigUint64(8, BigInt.asUintN(64, value >> 64n), true);
  return out;
}

const anyBigint = fc.oneof(
  fc.bigInt({ min: -(1n << 140n), max: 1n << 140n }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constantFrom(0n, 1n, -1n, (1n << 64n) - 1n, 1n << 64n, (1n << 128n) - 1n, 1n << 127n),
);

describe('fixed-width integers', () => {
  it('encode as the reference does, into fresh arrays, and read back', () => {
    fc.assert(
      fc.property(anyBigint, anyBigint, fc.nat(7), (a, b, offset) => {
        const ea = u64(a);
        const eb = u64(b); // a second call must not change the first's bytes
        expect(ea).toEqual(reference(a, 8));
        expect(eb).toEqual(reference(b, 8));
        expect(u128(a)).toEqual(reference(a, 16));
        expect(readU64(ea, 'a')).toBe(BigInt.asUintN(64, a));
        expect(readU128(u128(b), 'b')).toBe(BigInt.asUintN(128, b));
        // reads of a view inside a larger buffer
        const host = new Uint8Array(offset + 16);
        host.set(u128(a), offset);
        expect(readU128(host.subarray(offset, offset + 16), 'a')).toBe(BigInt.asUintN(128, a));
        expect(readU64(host.subarray(offset, offset + 8), 'a')).toBe(BigInt.asUintN(64, a));
      }),
    );
  });

  it('refuses the wrong lengths', () => {
    expect(() => readU64(new Uint8Array(7), 'x')).toThrow('x: expected 8 bytes');
    expect(() => readU128(new Uint8Array(8), 'y')).toThrow('y: expected 16 bytes');
  });
});

describe('hex', () => {
  it('toHex reads exactly the view it is given (an offset inside a larger buffer too), lower case, and fromHex reverses it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(9), fc.nat(9), (bytes, before, after) => {
        const host = new Uint8Array(before + bytes.length + after).fill(0xab);
        host.set(bytes, before);
        const view = host.subarray(before, before + bytes.length);
        const expected = `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
        expect(toHex(view)).toBe(expected);
        expect(toHex(bytes)).toBe(expected);
        expect(fromHex(expected, 'x')).toEqual(bytes);
      }),
    );
  });
});

describe('sha256', () => {
  it('of any parts equals @noble/hashes of the parts joined (one part, several, empty, past the join buffer)', () => {
    const part = fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ minLength: 600, maxLength: 1500 }));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of parts) {
          joined.set(p, o);
          o += p.length;
        }
        const got = sha256(...parts);
        expect(got).toBeInstanceOf(Uint8Array);
        expect(toHex(got)).toBe(toHex(nobleSha256(joined)));
        // the parts are left as they were (the join buffer is the hash's own)
        expect(toHex(sha256(...parts))).toBe(toHex(got));
      }),
      { numRuns: 200 },
    );
  });
});
