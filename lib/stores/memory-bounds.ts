/** The default bound on counters held: ~0.24 KB each (a digest key, its window; measured), so ~25 MB at most. */
export const DEFAULT_MAX_ATTEMPT_KEYS = 100_000;

/** Counters are swept of expired windows once this many are held, then whenever the map has doubled. */
const FIRST_SWEEP_AT = 1024;

export interface MemoryStoreOptions {
  /** How long a store call may take before the request answers 503 (ms). Default 2000. */
  timeout?: number;
  /**
   * The most login-throttling counters held at once (default 100 000, ~25 MB). Past it, the
   * counter whose window opened first is forgotten: a flood of distinct usernames cannot grow
   * the heap, at the price of forgetting the oldest counts while it lasts.
   */
  maxAttemptKeys?: number;
}

/** How many entries of each kind memoryStore holds now (its `counts()`). */
export interface MemoryCounts {
  revoked: number;
  refreshTokens: number;
  families: number;
  attemptKeys: number;
}

/** The `timeout` of a store built with these options: left out when not given (the default applies). */
export const timeoutOption = (options: MemoryStoreOptions): { timeout?: number } => (options.timeout !== undefined ? { timeout: options.timeout } : {});

/** memoryStore's `counts()` over the collections it holds. */
export function heldCounts(revoked: { size: number }, refreshTokens: { size: number }, families: { size: number }, attemptKeys: { size: number }): () => MemoryCounts {
  return () => ({ revoked: revoked.size, refreshTokens: refreshTokens.size, families: families.size, attemptKeys: attemptKeys.size });
}

/** One attempt counter: its count and when its window ends (ms). */
export interface AttemptWindow {
  count: number;
  resetAt: number;
}

/**
 * The attempt counters of memoryStore, bounded in count. A flood of distinct usernames within
 * one window (every one a live counter, so a sweep of expired ones frees nothing) would
 * otherwise grow the heap by ~0.2 KB per refused attempt for the whole window (15 → 141 MB in
 * 120 s at 4.9k attempts/s). Past `maxKeys`, the counter whose window opened first is dropped:
 * the Map keeps counters in the order their windows opened, so that is O(1). Expired counters
 * are swept too, whenever the map has doubled since the last sweep (amortised O(1) per hit).
 */
export class AttemptWindows {
  readonly #windows = new Map<string, AttemptWindow>();
  readonly #maxKeys: number;
  #sweepAt = FIRST_SWEEP_AT;

  constructor(maxKeys: number = DEFAULT_MAX_ATTEMPT_KEYS) {
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new TypeError(`memoryStore: maxAttemptKeys must be a positive integer, got ${String(maxKeys)}`);
    this.#maxKeys = maxKeys;
  }

  get size(): number {
    return this.#windows.size;
  }

  get(key: string): AttemptWindow | undefined {
    return this.#windows.get(key);
  }

  delete(key: string): void {
    this.#windows.delete(key);
  }

  /** Opens a new window for `key`, ending at `resetAt`, in place of any it had; `now` (ms) judges which windows have ended. */
  open(key: string, resetAt: number, now: number): AttemptWindow {
    const windows = this.#windows;
    if (windows.size >= this.#sweepAt) this.#sweep(now);
    // A new window goes to the back, so that the front is always the oldest window.
    windows.delete(key);
    while (windows.size >= this.#maxKeys) windows.delete(windows.keys().next().value!);
    const window = { count: 0, resetAt };
    windows.set(key, window);
    return window;
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
    this.#sweepAt = Math.max(FIRST_SWEEP_AT, this.#windows.size * 2);
  }
}
