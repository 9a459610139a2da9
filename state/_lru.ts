/**
 * Internal bounded cache with approximate least-recently-used eviction, in two generations: hits in the young
 * Map cost one lookup; hits in the old one move the entry to the young one; when the young Map reaches half the
 * bound it becomes the old one and the previous old one is dropped. At most `max` entries are held, and every
 * entry used within the last `max / 2` insertions survives. Cheaper than a strict LRU (no delete-and-reinsert
 * on every hit), which matters at hundreds of thousands of reads a second.
 * @module
 */
export class Lru<V> {
  readonly #half: number;
  #young = new Map<string, V>();
  #old = new Map<string, V>();

  constructor(max: number) {
    this.#half = Math.max(0, Math.floor(max / 2));
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get(key: string): V | undefined {
    const v = this.#young.get(key);
    if (v !== undefined) return v;
    const o = this.#old.get(key);
    if (o !== undefined) {
      this.#old.delete(key);
      this.#insert(key, o);
    }
    return o;
  }

  set(key: string, value: V): void {
    if (this.#half === 0) return;
    this.#old.delete(key);
    this.#insert(key, value);
  }

  #insert(key: string, value: V): void {
    if (this.#young.size >= this.#half && !this.#young.has(key)) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  /** Whether `key` is cached (without counting as a use). */
  has(key: string): boolean {
    return this.#young.has(key) || this.#old.has(key);
  }

  /**
   * Replaces the value of `key` if it is cached; never inserts or evicts. A block commit updates the entries of
   * the keys it wrote that the cache holds, without growing the young Map by a block's keys (an insertion costs
   * several times an update in a Map of 100,000 entries, and every insertion brings the next swap nearer).
   */
  update(key: string, value: V): void {
    if (this.#young.has(key)) this.#young.set(key, value);
    else if (this.#old.has(key)) this.#old.set(key, value);
  }

  delete(key: string): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  clear(): void {
    this.#young.clear();
    this.#old.clear();
  }
}
