/**
 * A cheaper ed25519 check for the common case, a valid signature: libsodium (npm `sodium-native`, an optional
 * dependency that ships prebuilt binaries) verifies one in about 50 µs on the 2-core EPYC measured, node:crypto
 * (OpenSSL 3.0) in about 105-110 µs, and every transaction sent to the node pays one check.
 *
 * The rule stays node:crypto's. libsodium checks the same equation as OpenSSL, cofactorless on the encoded bytes
 * (encode([S]B - [k]A) == R with k = SHA-512(R || A || M) mod L, both refusing S >= L), and refuses more besides
 * (non-canonical and small-order public keys, a small-order R). So a signature libsodium accepts, OpenSSL accepts,
 * and callers use this as a shortcut to `true` only: whatever libsodium refuses goes to node:crypto, whose answer
 * decides (transaction.ts `verifyEd25519`). The answer for a transaction never changes, only what it costs; the
 * property test in sodiumAccepts.test.ts holds the two side by side, small-order keys included (OpenSSL accepts
 * those, libsodium does not).
 *
 * Loaded on first use (40 ms the first time, so not at start-up). Without the package, or with `GASKET_NO_SODIUM=1`
 * (for A/B runs), it accepts nothing and every check goes to node:crypto.
 * @module
 */
import { createRequire } from 'node:module';

type Sodium = {
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
};

let sodium: Sodium | null | undefined;

/** Where the package's entry point is (for worker threads that load it themselves), or undefined without it. */
export function sodiumEntry(): string | undefined {
  if (process.env.GASKET_NO_SODIUM === '1') return undefined;
  try {
    return createRequire(import.meta.url).resolve('sodium-native');
  } catch {
    return undefined;
  }
}

function load(): Sodium | null {
  const entry = sodiumEntry();
  if (entry === undefined) return null;
  try {
    const loaded = createRequire(import.meta.url)(entry) as Sodium;
    return typeof loaded.crypto_sign_verify_detached === 'function' ? loaded : null;
  } catch {
    return null;
  }
}

/**
 * True when libsodium accepts `signature` as `publicKey`'s ed25519 signature of `message` (then node:crypto does
 * too); false when it refuses, fails, or is not there: the caller then asks node:crypto.
 */
export function sodiumAccepts(message: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (sodium === undefined) sodium = load();
  if (sodium === null || publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey) === true;
  } catch {
    return false;
  }
}

/** Whether libsodium is in use (for benchmark notes). */
export function sodiumLoaded(): boolean {
  if (sodium === undefined) sodium = load();
  return sodium !== null;
}
