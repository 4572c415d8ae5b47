import type { Clock } from '../clock.js';

/** How often expired entries are looked for: as MongoDB's TTL monitor, about once a minute. */
export const SWEEP_EVERY_MS = 60_000;

/**
 * A family revoked before any of its tokens was saved here, and given no expiry: kept this
 * long (pair mode's longest default refresh period), since no token of it can outlive that.
 */
export const UNKNOWN_FAMILY_KEEP_MS = 7 * 24 * 3600 * 1000;

/** What the sweep frees: entries that expired before `now` (ms). */
export interface Expiring {
  expire(now: number): number;
}

/**
 * memoryStore's sweep, called by every write: frees what has expired in each of `kinds`, at
 * most once a minute on the monotonic clock. Expiry is judged by the earliest time both clocks
 * allow (lib/clock.ts), so a forward jump of the wall clock frees nothing early.
 */
export function sweeper(clock: Clock, ...kinds: Expiring[]): () => void {
  let sweptAt = clock.monotonic();
  return () => {
    const t = clock.monotonic();
    if (t - sweptAt < SWEEP_EVERY_MS) return;
    sweptAt = t;
    const now = clock.earliestNow();
    for (const kind of kinds) kind.expire(now);
  };
}

/**
 * How long memoryStore keeps a family revoked at `now`: until `expiresAt` when given, else as
 * long as it already keeps the family (`known`, the latest expiry of its saved tokens), else
 * UNKNOWN_FAMILY_KEEP_MS.
 */
export function revokedFamilyUntil(now: Date, expiresAt: Date | undefined, known: number | undefined): number {
  return expiresAt?.getTime() ?? known ?? now.getTime() + UNKNOWN_FAMILY_KEEP_MS;
}
