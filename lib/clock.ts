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

/**
 * A wall-clock time that a passing step does not move, for schedules that every instance
 * judges on its own clock (managed rotation). It starts at the wall clock and runs on the
 * monotonic clock. The wall clock is followed again only when it has stayed off by more than
 * a second, by the same amount, for `settleMs` of monotonic time (a correction, or a VM that
 * slept while the monotonic clock stood still):
 * - a step forward or back that is undone within `settleMs` changes nothing;
 * - a lasting change forward is followed at once when it is noticed (a jump: what fell due
 *   meanwhile is due then);
 * - a lasting change back is followed by standing still until the wall clock catches up:
 *   this time never runs back.
 * The step is noticed when now() is called: a change is followed at the first call at least
 * `settleMs` after a call that saw it.
 */
export interface SteadyClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** How far the wall clock may drift from the steady time before it counts as stepped (ms). */
const STEP_TOLERANCE_MS = 1000;

/**
 * @example
 * ```ts
 * const steady = createSteadyClock(60_000);
 * const slot = Math.floor(steady.now() / every);
 * ```
 */
export function createSteadyClock(settleMs: number): SteadyClock {
  let anchor = { wall: Date.now(), monotonic: performance.now() };
  let last = anchor.wall;
  let seen: { offset: number; at: number } | undefined;
  return {
    now() {
      const wall = Date.now();
      const monotonic = performance.now();
      const offset = wall - (anchor.wall + (monotonic - anchor.monotonic));
      if (Math.abs(offset) <= STEP_TOLERANCE_MS) seen = undefined;
      else if (!seen || Math.abs(offset - seen.offset) > STEP_TOLERANCE_MS) seen = { offset, at: monotonic };
      else if (monotonic - seen.at >= settleMs) {
        anchor = { wall, monotonic };
        seen = undefined;
      }
      last = Math.max(last, anchor.wall + (monotonic - anchor.monotonic));
      return last;
    },
  };
}
