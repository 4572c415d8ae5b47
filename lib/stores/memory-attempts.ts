import { stringId } from './string-id.js';
import type { AttemptCount, AttemptStore } from './store.js';

/** The default bound on counters held: ~0.24 KB each (a digest key, its window; measured), so ~25 MB at most. */
export const DEFAULT_MAX_ATTEMPT_KEYS = 100_000;

/** memoryStore's attempt counters, with how many it holds (for specs and benchmarks). */
export interface MemoryAttempts extends AttemptStore {
  readonly size: number;
}

/**
 * The attempt counters of memoryStore. Bounded in count: a flood of distinct usernames within
 * one window (every one a live counter, so a sweep of expired ones frees nothing) would
 * otherwise grow the heap by ~0.2 KB per refused attempt for the whole window (15 → 141 MB in
 * 120 s at 4.9k attempts/s). Past `maxKeys`, the counter whose window opened first is dropped:
 * the Map keeps counters in the order their windows opened, so that is O(1). Expired counters
 * are swept too, whenever the map has doubled since the last sweep (amortised O(1) per hit).
 */
export function memoryAttempts(options: { maxKeys?: number } = {}): MemoryAttempts {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_ATTEMPT_KEYS;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new TypeError(`memoryStore: maxAttemptKeys must be a positive integer, got ${String(maxKeys)}`);
  const counters = new Map<string, { count: number; resetAt: number }>();
  let sweepAt = 1024;

  function sweep(now: number): void {
    for (const [key, entry] of counters) if (entry.resetAt <= now) counters.delete(key);
    sweepAt = Math.max(1024, counters.size * 2);
  }

  return {
    get size() {
      return counters.size;
    },
    async hit(key, windowMs, now): Promise<AttemptCount> {
      const at = now.getTime();
      let entry = counters.get(stringId(key));
      if (!entry || entry.resetAt <= at) {
        if (counters.size >= sweepAt) sweep(at);
        // A new window goes to the back, so that the front is always the oldest window.
        if (entry) counters.delete(key);
        while (counters.size >= maxKeys) counters.delete(counters.keys().next().value!);
        entry = { count: 0, resetAt: at + windowMs };
        counters.set(key, entry);
      }
      entry.count++;
      return { count: entry.count, resetAt: new Date(entry.resetAt) };
    },
    async undo(key, now) {
      const entry = counters.get(stringId(key));
      if (entry && entry.resetAt > now.getTime() && entry.count > 0) entry.count--;
    },
    async reset(key) {
      counters.delete(stringId(key));
    },
  };
}
