import type { AttemptWindows } from './memory-bounds.js';
import { stringId } from './string-id.js';
import type { AttemptCount, AttemptStore } from './store.js';

/**
 * The attempt counters of memoryStore: a window opens at a key's first hit and counts until its
 * `resetAt`; undo takes back one hit of the current window. `windows` holds them, bounded in
 * count (lib/stores/memory-bounds.ts).
 */
export function memoryAttempts(windows: AttemptWindows): AttemptStore {
  return {
    async hit(key, windowMs, now): Promise<AttemptCount> {
      const at = now.getTime();
      let entry = windows.get(stringId(key));
      if (!entry || entry.resetAt <= at) entry = windows.open(key, at + windowMs, at);
      entry.count++;
      return { count: entry.count, resetAt: new Date(entry.resetAt) };
    },
    async undo(key, now) {
      const entry = windows.get(stringId(key));
      if (entry && entry.resetAt > now.getTime() && entry.count > 0) entry.count--;
    },
    async reset(key) {
      windows.delete(stringId(key));
    },
  };
}
