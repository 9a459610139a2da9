/**
 * Keys and addresses: ed25519 key pairs, the account address derived from a public key, and the devnet's
 * deterministic dev accounts (the same on every machine, as Anvil's). Under Node, keys are derived and messages
 * signed with node:crypto; elsewhere with @noble/curves, loaded only there (importing it costs a devnet's start-up
 * tens of ms). Ed25519 signatures are deterministic (RFC 8032): both give the same bytes, which keys.test.ts checks.
 * @module
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign as nodeSign, randomBytes } from 'node:crypto';
import { sha256 } from './codec.js';

const IN_NODE = typeof process !== 'undefined' && process.versions?.node !== undefined;
/** @noble/curves' ed25519, outside Node only. */
const noble = IN_NODE ? undefined : (await import('@noble/curves/ed25519.js')).ed25519;

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
  if (noble) return noble.getPublicKey(secretKey);
  return new Uint8Array(
    createPublicKey(privateKeyObject(secretKey)).export({ format: 'der', type: 'spki' }).subarray(12),
  );
}

/** node:crypto's key objects of recent secrets (a devnet signs for its dev accounts again and again). */
const privateKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 1_000;

function privateKeyObject(secretKey: Uint8Array): KeyObject {
  const id = Buffer.from(secretKey).toString('hex');
  let key = privateKeys.get(id);
  if (!key) {
    key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
    if (privateKeys.size >= MAX_CACHED_KEYS) privateKeys.delete(privateKeys.keys().next().value!);
    privateKeys.set(id, key);
  }
  return key;
}

export function generateKeyPair(): KeyPair {
  return keyPairFromSecret(noble ? noble.utils.randomSecretKey() : new Uint8Array(randomBytes(32)));
}

/**
 * The public keys of dev accounts 0-9, derived once and written down: every devnet opens them at start-up, and
 * ten derivations cost it tens of ms on a busy machine. keys.test.ts checks each against `publicKeyOf`.
 */
export const DEV_PUBLIC_KEYS: readonly string[] = Object.freeze([
  '0f6c3e91cb686dc4c3d0d19f17fefa9e75c5891606aa69ac5889e061778d6eaf',
  'e26c19c557eb35c306f447a709eceb5e820a08800628ac0da4ea317151519dad',
  '2cbeb7cfe00d1a8cca083d5f2afa33fb3d2c5cfeb5aba879cef9867d8e35a2d2',
  '2118c586e733498c6c88e280747fa7811b6ebc1e44bf63445996964ce361a0b4',
  'ab2bfaa211bac3bf904fdcf12d0d5f4deda5b2e80a7a7f0d8eedf438a47dccf8',
  '9c5b6b285e724ca958c605972615355340961bd9e63486567b479f09f3fd28a5',
  '5f7b4560ef3a591a4c7c9bbb92c88273d47c972a5ad35bec43571f9c63cc7074',
  '1255f597db90fb4327c9cfdc02f6e03277443fa173878af644da2e6c25d2eb7c',
  '6394e5006ce44d45f45ff949e66c6cf4c6dae6297998ec7cf2b97614e8354fbc',
  '0c9e97a5b10f9ab55fdeb6653eb6ac2ec4f0599f83e7c79417909b31c07891bc',
]);

/** The fixed secret of dev account `index`: sha256("gasket:dev-account:" || index). */
export function devAccountSecret(index: number): Uint8Array {
  return sha256(DEV_DOMAIN, new TextEncoder().encode(String(index)));
}

/** Dev account `index`: a fixed secret (devAccountSecret), so every devnet has the same ones. */
export function devAccount(index: number): KeyPair {
  const secretKey = devAccountSecret(index);
  const known = DEV_PUBLIC_KEYS[index];
  if (known === undefined) return keyPairFromSecret(secretKey);
  const publicKey = new Uint8Array(Buffer.from(known, 'hex'));
  return { secretKey, publicKey, address: addressOf(publicKey) };
}

export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (noble) return noble.sign(message, secretKey);
  if (secretKey.length !== 32) throw new TypeError('an ed25519 secret key is 32 bytes');
  return new Uint8Array(nodeSign(null, message, privateKeyObject(secretKey)));
}
