/**
 * A writable view of the state as it was at one committed version: reads fall through nested overlays to the
 * store's versioned reads (`getAt`), writes stay in the overlays and are thrown away with the view. Re-executing
 * a past transaction on it (for `tx_trace`) changes nothing in the chain.
 * @module
 */
import type { StateBackend, StateStore } from '../state/index.js';

const DELETED = Symbol('deleted');
type Layer = Map<string, Uint8Array | typeof DELETED>;

export class HistoricalState implements StateBackend {
  readonly #store: StateStore;
  readonly #version: bigint;
  #layers: Layer[] = [new Map()];

  constructor(store: StateStore, version: bigint) {
    this.#store = store;
    this.#version = version;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const id = Buffer.from(key).toString('hex');
    for (let i = this.#layers.length - 1; i >= 0; i--) {
      const value = this.#layers[i]!.get(id);
      if (value === DELETED) return undefined;
      if (value !== undefined) return Uint8Array.from(value);
    }
    return this.#store.getAt(key, this.#version);
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.#layers.at(-1)!.set(Buffer.from(key).toString('hex'), Uint8Array.from(value));
  }

  delete(key: Uint8Array): void {
    this.#layers.at(-1)!.set(Buffer.from(key).toString('hex'), DELETED);
  }

  checkpoint(): void {
    this.#layers.push(new Map());
  }

  commit(): void {
    if (this.#layers.length < 2) throw new Error('commit without a checkpoint');
    const top = this.#layers.pop()!;
    const below = this.#layers.at(-1)!;
    for (const [key, value] of top) below.set(key, value);
  }

  revert(): void {
    if (this.#layers.length < 2) throw new Error('revert without a checkpoint');
    this.#layers.pop();
  }

  get depth(): number {
    return this.#layers.length - 1;
  }

  get root(): Uint8Array {
    return this.#store.rootAt(this.#version);
  }
}
