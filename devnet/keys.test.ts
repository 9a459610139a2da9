import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEV_PUBLIC_KEYS, devAccount, devAccountSecret, keyPairFromSecret, publicKeyOf, sign } from './keys.js';

const toHexString = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

import { signTransaction, verifySignature } from './transaction.js';

describe('keys', () => {
  it('node:crypto and @noble/curves derive the same public key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (secret) => {
        expect([...publicKeyOf(secret)]).toEqual([...ed25519.getPublicKey(secret)]);
      }),
    );
  });

  it('a noble signature verifies with node:crypto, and a wrong one does not', () => {
    const account = devAccount(3);
    const tx = signTransaction(
      { kind: 'transfer', chainId: 1n, nonce: 0n, gasLimit: 10n, gasPrice: 1n, value: 1n, to: devAccount(4).address },
      account.secretKey,
      account.publicKey,
    );
    expect(verifySignature(tx)).toBe(true);
    const other = keyPairFromSecret(new Uint8Array(32).fill(9));
    expect(verifySignature({ ...tx, signature: sign(new Uint8Array([1]), other.secretKey) })).toBe(false);
  });

  it('node:crypto and @noble/curves sign alike (ed25519 is deterministic)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        (secret, message) => {
          expect(toHexString(sign(message, secret))).toBe(toHexString(ed25519.sign(message, secret)));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('the written-down dev public keys are the ones their secrets derive', () => {
    for (let index = 0; index < 12; index++) {
      const derived = keyPairFromSecret(devAccountSecret(index));
      expect(toHexString(devAccount(index).publicKey)).toBe(toHexString(derived.publicKey));
      expect(toHexString(devAccount(index).address)).toBe(toHexString(derived.address));
      if (index < DEV_PUBLIC_KEYS.length) expect(DEV_PUBLIC_KEYS[index]).toBe(toHexString(derived.publicKey));
    }
  });

  it('dev accounts are fixed: the same keys on every machine', () => {
    expect(Buffer.from(devAccount(0).secretKey).toString('hex')).toBe(
      '6670382d134232514bed8cc145057ec8de3d6f0323f0c4a9b59201226dcba5c3',
    );
    expect(Buffer.from(devAccount(0).address).toString('hex')).toBe(
      '2b56919ec45c8fda1703b33748bb844e248bc4ea4bf160598ae6698e6a805de0',
    );
  });
});
