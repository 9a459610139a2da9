/**
 * The narrow, synchronous door between the VM and state: byte keys and values, nested checkpoints, and the root
 * of the last committed block. vm/ depends on this type only, never on LevelDB (the ethereumjs
 * `StateManagerInterface` idea, made synchronous so wasm host calls can use it directly).
 *
 * Contract: reads see every write not yet reverted; `checkpoint()` opens a frame, `commit()` keeps its writes in
 * the enclosing frame, `revert()` undoes them; frames nest (a call frame inside a transaction). Returned bytes are
 * the caller's own copy.
 * @module
 */

export interface StateBackend {
  /** The current value of `key` (overlay first), or undefined if absent. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** Sets `key` to a copy of `value` in the overlay. */
  put(key: Uint8Array, value: Uint8Array): void;
  /** Removes `key` in the overlay (a no-op for an absent key). */
  delete(key: Uint8Array): void;
  /** Opens a nested checkpoint frame. */
  checkpoint(): void;
  /** Closes the innermost frame, keeping its writes. Throws STATE_NO_CHECKPOINT if none is open. */
  commit(): void;
  /** Closes the innermost frame, undoing its writes. Throws STATE_NO_CHECKPOINT if none is open. */
  revert(): void;
  /** Number of open checkpoint frames. */
  readonly depth: number;
  /** The 32-byte state root of the last committed block. */
  readonly root: Uint8Array;
}
