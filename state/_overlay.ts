/**
 * Internal write overlay of the state store: the uncommitted writes of the current block, with a journal of
 * nested checkpoints (call frames inside transactions inside the block).
 *
 * `pending` maps a key (as a {@link keyString}) to its new value or null (deleted). Each checkpoint frame
 * records, for every write made while it is the innermost frame, the entry it overwrote; `revert` replays the
 * frame backwards, `commit` hands the frame's records to the enclosing frame (or drops them at the outermost
 * level, where the writes simply stay pending until the block commit).
 * @module
 */

export type OverlayValue = Uint8Array | null;

export class Overlay {
  pending = new Map<string, OverlayValue>();
  readonly #frames: [string, OverlayValue | undefined][][] = [];

  get depth(): number {
    return this.#frames.length;
  }

  set(ks: string, value: OverlayValue): void {
    const frame = this.#frames[this.#frames.length - 1];
    if (frame !== undefined) frame.push([ks, this.pending.get(ks)]);
    this.pending.set(ks, value);
  }

  checkpoint(): void {
    this.#frames.push([]);
  }

  /** Keeps the innermost frame's writes; false if there is no open checkpoint. */
  commit(): boolean {
    const frame = this.#frames.pop();
    if (frame === undefined) return false;
    const parent = this.#frames[this.#frames.length - 1];
    if (parent !== undefined) for (const entry of frame) parent.push(entry);
    return true;
  }

  /** Undoes the innermost frame's writes; false if there is no open checkpoint. */
  revert(): boolean {
    const frame = this.#frames.pop();
    if (frame === undefined) return false;
    for (let i = frame.length - 1; i >= 0; i--) {
      const [ks, before] = frame[i]!;
      if (before === undefined) this.pending.delete(ks);
      else this.pending.set(ks, before);
    }
    return true;
  }

  /** Takes all pending writes (only with no open checkpoint) and starts an empty overlay. */
  take(): Map<string, OverlayValue> {
    const pending = this.pending;
    this.pending = new Map();
    return pending;
  }

  /** Drops every pending write and checkpoint. */
  clear(): void {
    this.pending = new Map();
    this.#frames.length = 0;
  }
}
