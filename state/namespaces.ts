/**
 * Namespaced state keys: accounts, contract code by hash, and per-contract storage.
 *
 * Every key starts with a namespace byte, and addresses and code hashes have a fixed length of 32 bytes, so the
 * namespaces are prefix-free: no account key is a code or storage key, and contract A's storage keys
 * (`0x03 || A || userKey`) can never equal or prefix contract B's. {@link contractStorage} gives a contract a
 * view that only takes its own user keys, so code holding it cannot address another contract's storage.
 * @module
 */
import { allocBytes } from './_bytes.js';
import { StateInputError } from './errors.js';
import type { StateBackend } from './StateBackend.js';

export const NAMESPACE = Object.freeze({ account: 0x01, code: 0x02, storage: 0x03 } as const);
export const ADDRESS_LENGTH = 32;
export const CODE_HASH_LENGTH = 32;
/** Longest user storage key a contract may use. */
export const MAX_STORAGE_KEY_LENGTH = 1024;

function fixed(bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new StateInputError(
      `${what} must be ${length} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`,
    );
  }
  return bytes;
}

/**
 * `namespace || head || tail` in one allocation (keys are built on every account read and storage host call: a
 * transfer makes about seven).
 */
function namespaced(namespace: number, head: Uint8Array, tail?: Uint8Array): Uint8Array {
  const out = allocBytes(1 + head.length + (tail?.length ?? 0));
  out[0] = namespace;
  out.set(head, 1);
  if (tail !== undefined) out.set(tail, 1 + head.length);
  return out;
}

function checkStorageKey(key: Uint8Array): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length > MAX_STORAGE_KEY_LENGTH) {
    throw new StateInputError(`storage key must be at most ${MAX_STORAGE_KEY_LENGTH} bytes`);
  }
  return key;
}

export function accountKey(address: Uint8Array): Uint8Array {
  return namespaced(NAMESPACE.account, fixed(address, ADDRESS_LENGTH, 'account address'));
}

export function codeKey(codeHash: Uint8Array): Uint8Array {
  return namespaced(NAMESPACE.code, fixed(codeHash, CODE_HASH_LENGTH, 'code hash'));
}

/** The prefix of all of `contract`'s storage keys (for listing with `entries`). */
export function storagePrefix(contract: Uint8Array): Uint8Array {
  return namespaced(NAMESPACE.storage, fixed(contract, ADDRESS_LENGTH, 'contract address'));
}

export function storageKey(contract: Uint8Array, key: Uint8Array): Uint8Array {
  return namespaced(NAMESPACE.storage, fixed(contract, ADDRESS_LENGTH, 'contract address'), checkStorageKey(key));
}

/** One contract's storage: user keys only, so it cannot reach another contract's keys. */
export type ContractStorage = {
  readonly contract: Uint8Array;
  get(key: Uint8Array): Uint8Array | undefined;
  put(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
};

export function contractStorage(backend: StateBackend, contract: Uint8Array): ContractStorage {
  const address = Uint8Array.from(fixed(contract, ADDRESS_LENGTH, 'contract address'));
  const at = (key: Uint8Array) => namespaced(NAMESPACE.storage, address, checkStorageKey(key));
  return {
    contract: Uint8Array.from(contract),
    get: (key) => backend.get(at(key)),
    put: (key, value) => backend.put(at(key), value),
    delete: (key) => backend.delete(at(key)),
  };
}
