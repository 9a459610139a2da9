import { createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyPairFromSecret, sign } from './keys.js';
import { sodiumAccepts, sodiumLoaded } from './sodiumAccepts.js';
import { verifyEd25519 } from './transaction.js';

/** node:crypto alone: the rule (no libsodium, no key cache). */
function opensslAccepts(message: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): boolean {
  try {
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
    return verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
  } catch {
    return false;
  }
}

/** The group order L, little-endian, as a bigint. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const leToBig = (bytes: Uint8Array) => bytes.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
const bigToLe = (value: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));

/** The identity point's encoding (y = 1), of order 1: small order. */
const IDENTITY = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0));

/** Byte-level damage: one bit of the message, key or signature flipped, or one of them replaced. */
const damage = fc.oneof(
  fc.record({ part: fc.constantFrom('message', 'key', 'signature'), bit: fc.nat(511) }),
  fc.record({ part: fc.constant('random-key'), key: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
  fc.record({ part: fc.constant('random-signature'), sig: fc.uint8Array({ minLength: 64, maxLength: 64 }) }),
);

describe('sodiumAccepts (libsodium as a shortcut to node:crypto’s yes)', () => {
  it('is loaded here (the optional package is installed), so the tests below compare two libraries', () => {
    expect(sodiumLoaded()).toBe(process.env.GASKET_NO_SODIUM !== '1');
  });

  it('accepts valid signatures, and verifyEd25519 answers as node:crypto does', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 400 }),
        (secret, message) => {
          const { publicKey } = keyPairFromSecret(secret);
          const signature = sign(message, secret);
          expect(opensslAccepts(message, publicKey, signature)).toBe(true);
          expect(sodiumAccepts(message, publicKey, signature)).toBe(sodiumLoaded());
          expect(verifyEd25519(message, publicKey, signature)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never accepts what node:crypto refuses; verifyEd25519 keeps node:crypto’s answer for damaged input', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        damage,
        (secret, message, hurt) => {
          let { publicKey } = keyPairFromSecret(secret);
          let signature = sign(message, secret);
          message = message.slice();
          if (hurt.part === 'message') message[(hurt.bit >> 3) % message.length]! ^= 1 << (hurt.bit & 7);
          if (hurt.part === 'key') publicKey = flip(publicKey, hurt.bit % 256);
          if (hurt.part === 'signature') signature = flip(signature, hurt.bit);
          if (hurt.part === 'random-key') publicKey = hurt.key;
          if (hurt.part === 'random-signature') signature = hurt.sig;
          const rule = opensslAccepts(message, publicKey, signature);
          if (sodiumAccepts(message, publicKey, signature)) expect(rule).toBe(true);
          expect(verifyEd25519(message, publicKey, signature)).toBe(rule);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a small-order key: node:crypto accepts R = identity, S = 0 for any message, libsodium does not, the answer is node:crypto’s', () => {
    const signature = new Uint8Array(64);
    signature.set(IDENTITY, 0);
    for (const message of [new Uint8Array(0), Uint8Array.of(1, 2, 3)]) {
      expect(opensslAccepts(message, IDENTITY, signature)).toBe(true);
      expect(sodiumAccepts(message, IDENTITY, signature)).toBe(false);
      expect(verifyEd25519(message, IDENTITY, signature)).toBe(true);
    }
  });

  it('S + L (the same S modulo L, not canonical): both refuse', () => {
    const secret = new Uint8Array(32).fill(7);
    const message = Uint8Array.of(9, 9, 9);
    const { publicKey } = keyPairFromSecret(secret);
    const signature = sign(message, secret);
    const stretched = signature.slice();
    stretched.set(bigToLe(leToBig(signature.subarray(32)) + L), 32);
    expect(opensslAccepts(message, publicKey, stretched)).toBe(false);
    expect(sodiumAccepts(message, publicKey, stretched)).toBe(false);
    expect(verifyEd25519(message, publicKey, stretched)).toBe(false);
  });
});

function flip(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[(bit >> 3) % copy.length]! ^= 1 << (bit & 7);
  return copy;
}
