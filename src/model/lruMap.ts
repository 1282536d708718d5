/**
 * A Map of at most `capacity` entries that drops the least recently used first. A Map keeps
 * insertion order, so re-inserting a key on use makes the first key the oldest. `get` counts
 * as use; `peek` does not, for caches whose entries expire by age rather than by use.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`an LruMap holds at least one entry, not ${capacity}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** The value, leaving the order as it was. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Keeps the value as the most recently used, dropping the least recently used when full. */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** Oldest first; deleting the entry being visited is safe. */
  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
}
