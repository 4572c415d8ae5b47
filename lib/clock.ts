/**
 * Two clocks for time-based bookkeeping. The wall clock (Date.now) is what token claims are
 * written in, but it can be stepped (NTP, an operator, a VM resume), forwards or back. The
 * monotonic clock (performance.now) only ever moves forward at the rate time passes, so
 * intervals — "how old is this cache", "back off for a second" — are measured with it.
 */
export interface Clock {
  /** Milliseconds on the monotonic clock: for intervals only, never for claims. */
  monotonic(): number;
  /**
   * The earliest the wall time can be by both clocks (ms since the epoch): the wall clock, but
   * never further past this clock's creation than the monotonic clock has run. Deleting what
   * expired by this time never deletes early on a forward jump (a brief +8 days step deletes
   * nothing that is still live); after a step back it follows the wall clock, which only keeps
   * entries longer. A wall clock set right by a forward step is followed late by the size of
   * the step: bookkeeping then frees memory late, never a revocation early.
   */
  earliestNow(): number;
}

/**
 * A clock anchored now. Build it where the bookkeeping is built (store, revocation), so that
 * fake timers installed before it are the ones it reads.
 *
 * @example
 * ```ts
 * const clock = createClock();
 * const startedAt = clock.monotonic();
 * store.blacklist.deleteStale(new Date(clock.earliestNow()));
 * ```
 */
export function createClock(): Clock {
  const wallAtStart = Date.now();
  const monotonicAtStart = performance.now();
  return {
    monotonic: () => performance.now(),
    earliestNow: () => Math.min(Date.now(), wallAtStart + (performance.now() - monotonicAtStart)),
  };
}
