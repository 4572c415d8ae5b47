import { stringId } from './string-id.js';
import type { AttemptCount, AttemptStore } from './store.js';

/**
 * The attempt counters of memoryStore. Bounded: a flood of distinct usernames or addresses
 * adds entries, so expired ones are swept whenever the map has doubled since the last sweep
 * (amortised O(1) per hit; the map never holds more than twice the live keys, plus 1024).
 */
export function memoryAttempts(): AttemptStore {
  const counters = new Map<string, { count: number; resetAt: number }>();
  let sweepAt = 1024;

  function sweep(now: number): void {
    for (const [key, entry] of counters) if (entry.resetAt <= now) counters.delete(key);
    sweepAt = Math.max(1024, counters.size * 2);
  }

  return {
    async hit(key, windowMs, now): Promise<AttemptCount> {
      const at = now.getTime();
      let entry = counters.get(stringId(key, 'key'));
      if (!entry || entry.resetAt <= at) {
        if (counters.size >= sweepAt) sweep(at);
        entry = { count: 0, resetAt: at + windowMs };
        counters.set(key, entry);
      }
      entry.count++;
      return { count: entry.count, resetAt: new Date(entry.resetAt) };
    },
    async undo(key, now) {
      const entry = counters.get(stringId(key, 'key'));
      if (entry && entry.resetAt > now.getTime() && entry.count > 0) entry.count--;
    },
    async reset(key) {
      counters.delete(stringId(key, 'key'));
    },
  };
}
