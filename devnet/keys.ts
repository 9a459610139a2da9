/**
 * Keys and addresses: ed25519 key pairs (signing with @noble/curves, portable to any client), the account address
 * derived from a public key, and the devnet's deterministic dev accounts (the same on every machine, as Anvil's).
 * @module
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from './codec.js';

export type KeyPair = { readonly secretKey: Uint8Array; readonly publicKey: Uint8Array; readonly address: Uint8Array };

const ACCOUNT_DOMAIN = new TextEncoder().encode('gasket:account');
const DEV_DOMAIN = new TextEncoder().encode('gasket:dev-account:');

/** The address of an account: sha256("gasket:account" || ed25519 public key). */
export function addressOf(publicKey: Uint8Array): Uint8Array {
  return sha256(ACCOUNT_DOMAIN, publicKey);
}

export function keyPairFromSecret(secretKey: Uint8Array): KeyPair {
  if (secretKey.length !== 32) throw new TypeError('an ed25519 secret key is 32 bytes');
  const publicKey = publicKeyOf(secretKey);
  return { secretKey: Uint8Array.from(secretKey), publicKey, address: addressOf(publicKey) };
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The ed25519 public key of a secret key. node:crypto where it exists (about 100x faster than the pure-JS path,
 * which matters for the devnet's start-up), @noble/curves elsewhere; the test of keys checks they agree.
 */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  if (typeof process !== 'undefined' && process.versions?.node) {
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, secretKey]),
      format: 'der',
      type: 'pkcs8',
    });
    return new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12));
  }
  return ed25519.getPublicKey(secretKey);
}

export function generateKeyPair(): KeyPair {
  return keyPairFromSecret(ed25519.utils.randomSecretKey());
}

/** Dev account `index`: a fixed secret, sha256("gasket:dev-account:" || index), so every devnet has the same ones. */
export function devAccount(index: number): KeyPair {
  return keyPairFromSecret(sha256(DEV_DOMAIN, new TextEncoder().encode(String(index))));
}

export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}
