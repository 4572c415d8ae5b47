import { ExpiryQueue } from './expiry-queue.js';

/**
 * memoryStore's entries of one kind (revocations, refresh tokens, families), each with an expiry
 * (ms) read from its value, beside an expiry-ordered queue: what expired before a time is found
 * in O(log n) per entry freed, without scanning every entry. `deleteStale` and the periodic
 * sweep both free entries through `expire`.
 */
export class ExpiringMap<V> {
  readonly #values = new Map<string, V>();
  readonly #queue = new ExpiryQueue();
  readonly #expiry: (value: V) => number;

  constructor(expiry: (value: V) => number) {
    this.#expiry = expiry;
  }

  get size(): number {
    return this.#values.size;
  }

  get(key: string): V | undefined {
    return this.#values.get(key);
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  values(): IterableIterator<V> {
    return this.#values.values();
  }

  /** Sets `key` to `value`, due at the value's expiry. */
  set(key: string, value: V): void {
    this.#values.set(key, value);
    this.#queue.push(this.#expiry(value), key);
  }

  /** Sets `key` to `value` unless it holds a value that expires as late or later: a write never shortens an entry. */
  setIfLater(key: string, value: V): void {
    const current = this.#values.get(key);
    if (current !== undefined && this.#expiry(current) >= this.#expiry(value)) return;
    this.set(key, value);
  }

  /**
   * Deletes every entry that expired before `now` and answers how many. A key set again with a
   * later expiry keeps its old place in the queue too: when that place comes out, the entry's
   * current expiry decides.
   */
  expire(now: number): number {
    let n = 0;
    this.#queue.popBefore(now, (key) => {
      const value = this.#values.get(key);
      if (value !== undefined && this.#expiry(value) < now) {
        this.#values.delete(key);
        n++;
      }
    });
    return n;
  }
}
