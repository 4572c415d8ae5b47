/**
 * Keys ordered by the time they expire: a binary min-heap, O(log n) to add and to take the
 * earliest. It is what keeps the memory store bounded without scanning: expiring k entries
 * costs O(k log n) whatever n is.
 *
 * A key whose expiry moved later is simply pushed again; the holder checks, when an old
 * position comes out, that the key has really expired (its current expiry), and skips it
 * otherwise.
 *
 * @example
 * ```ts
 * const queue = new ExpiryQueue();
 * queue.push(Date.now() + 60_000, 'jti-1');
 * queue.popBefore(Date.now(), (key) => map.delete(key));
 * ```
 */
export class ExpiryQueue {
  #at: number[] = [];
  #keys: string[] = [];

  get size(): number {
    return this.#at.length;
  }

  /** Adds `key`, due at `at` (ms). */
  push(at: number, key: string): void {
    const at_ = this.#at;
    const keys = this.#keys;
    let i = at_.length;
    at_.push(at);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (at_[parent]! <= at) break;
      at_[i] = at_[parent]!;
      keys[i] = keys[parent]!;
      i = parent;
    }
    at_[i] = at;
    keys[i] = key;
  }

  /** Takes out every key due strictly before `now`, earliest first, calling `fn(key, at)` for each. */
  popBefore(now: number, fn: (key: string, at: number) => void): void {
    while (this.#at.length > 0 && this.#at[0]! < now) {
      const at = this.#at[0]!;
      const key = this.#keys[0]!;
      this.#removeTop();
      fn(key, at);
    }
  }

  #removeTop(): void {
    const at_ = this.#at;
    const keys = this.#keys;
    const lastAt = at_.pop()!;
    const lastKey = keys.pop()!;
    const n = at_.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && at_[right]! < at_[left]! ? right : left;
      if (at_[child]! >= lastAt) break;
      at_[i] = at_[child]!;
      keys[i] = keys[child]!;
      i = child;
    }
    at_[i] = lastAt;
    keys[i] = lastKey;
  }
}
