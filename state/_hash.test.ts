import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashBytes, hashOf, internalHash, leafHash, sha256, toHash } from './_hash.js';
import { smtInternalHash, smtLeafHash } from './_smt.js';

describe('node:crypto hashing agrees with @noble/hashes', () => {
  it('sha256, leaf and internal hashes are byte-identical', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (data, a, b) => {
          expect(Buffer.from(sha256(data))).toEqual(Buffer.from(nobleSha256(data)));
          expect(Buffer.from(hashBytes(hashOf(data)))).toEqual(Buffer.from(nobleSha256(data)));
          expect(Buffer.from(hashBytes(leafHash(a, toHash(b))))).toEqual(Buffer.from(smtLeafHash(a, b)));
          expect(Buffer.from(hashBytes(internalHash(toHash(a), toHash(b))))).toEqual(
            Buffer.from(smtInternalHash(a, b)),
          );
          // the portable fast path (a fixed two-block SHA-256 of 65 bytes) against @noble/hashes itself
          const noble = (d: Uint8Array) => nobleSha256(d);
          expect(Buffer.from(smtLeafHash(a, b))).toEqual(Buffer.from(smtLeafHash(a, b, noble)));
          expect(Buffer.from(smtInternalHash(a, b))).toEqual(Buffer.from(smtInternalHash(a, b, noble)));
        },
      ),
    );
  });

  it('matches the FIPS 180-4 "abc" vector', () => {
    expect(Buffer.from(sha256(new TextEncoder().encode('abc'))).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
