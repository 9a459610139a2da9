/**
 * state/: the public face of the Merkleized, versioned state store on LevelDB.
 * Other folders import state only through this file.
 * @module
 */

export { STATE_FORMAT_VERSION } from './_layout.js';
export { computeRoot } from './computeRoot.js';
export {
  StateDbCorruptError,
  StateDbForeignError,
  StateDbFormatError,
  StateDbLockedError,
  StateDbMissingError,
  StateError,
  StateInputError,
  StateUsageError,
  StateVersionError,
} from './errors.js';
export {
  ADDRESS_LENGTH,
  accountKey,
  CODE_HASH_LENGTH,
  type ContractStorage,
  codeKey,
  contractStorage,
  MAX_STORAGE_KEY_LENGTH,
  NAMESPACE,
  storageKey,
  storagePrefix,
} from './namespaces.js';
export { type OpenStateErrorType, type OpenStateOptions, openState } from './openState.js';
export { decodeProof, encodeProof, PROOF_FORMAT_VERSION, type ProofLeaf, type StateProof } from './proof.js';
export type { StateBackend } from './StateBackend.js';
export {
  type CommitBlockResult,
  DEFAULT_NODE_CACHE_SIZE,
  DEFAULT_VALUE_CACHE_SIZE,
  MAX_KEY_LENGTH,
  MAX_VALUE_LENGTH,
  type PruneResult,
  StateStore,
  type StateStoreOptions,
} from './StateStore.js';
export { type VerifyProofOptions, verifyProof } from './verifyProof.js';

/** Root of the empty state (32 zero bytes). */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(32);
