/**
 * state/: the public face of the Merkleized, versioned state store on LevelDB.
 * Other folders import state only through this file.
 *
 * Durability (write-behind): `StateStore.commitBlock()` returns the block's root as soon as it is computed; its
 * one atomic LevelDB batch is written in the background, blocks in order. Reads (`get`, `getAt`, `prove`,
 * `rootAt`, `entries`) see the block at once. The hook is one method: `await state.flushed()` resolves once every
 * block committed before the call is on disk (rejects with `StateWriteError`, code `STATE_WRITE_FAILED`, if a
 * write failed; the store then refuses further blocks). Await it before announcing a block outside the process;
 * devnet/chain.ts does (ChainOptions.flushed). `close()`, `prune()`, `revertTo()` and `compact()` wait for it
 * themselves. A process killed before a block's write landed reopens at the last block written, consistent.
 * @module
 */

export { allocBytes } from './_bytes.js';
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
  StateWriteError,
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
  type LookupEntry,
  MAX_KEY_LENGTH,
  MAX_LOOKUP_KEY_LENGTH,
  MAX_LOOKUP_VALUE_LENGTH,
  MAX_VALUE_LENGTH,
  type PruneResult,
  StateStore,
  type StateStoreOptions,
} from './StateStore.js';
export { type VerifyProofOptions, verifyProof } from './verifyProof.js';

/** Root of the empty state (32 zero bytes). */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(32);
