import { StoreUnavailableError } from '../errors.js';
import type { AuthEvents } from '../events.js';

/**
 * The longest one part and operation of a failing store stays silent: during an outage every
 * request fails the same way, and one line per request would bury the log (a 4.9k req/s service
 * would write 4.9k lines a second). One event per 30 s still shows the outage begin and go on.
 */
export const STORE_FAILURE_INTERVAL_MS = 30_000;

export interface StoreFailureEvents {
  /** Reports a failure a request met (answered 503, or went on without the check): an `error` event with source `store`, rate-limited. Anything but a StoreUnavailableError is ignored. */
  report(err: unknown): void;
}

/**
 * Store failures as `error` events (source `store`, with the part and the operation of the
 * call): the first failure of a part and operation at once, then at most one per
 * `intervalMs`, carrying in `suppressed` how many failures were left out since the previous
 * one. Measured on the monotonic clock, so that a step of the wall clock neither silences an
 * outage nor floods the log.
 *
 * @example
 * ```ts
 * const storeFailures = createStoreFailureEvents(events);
 * storeFailures.report(err); // { source: 'store', part: 'blacklist', operation: 'isBlacklisted', error: err }
 * ```
 */
export function createStoreFailureEvents(events: AuthEvents, options: { intervalMs?: number } = {}): StoreFailureEvents {
  const intervalMs = options.intervalMs ?? STORE_FAILURE_INTERVAL_MS;
  // One entry per part and operation seen failing: a handful, fixed by the code, never by requests.
  const last = new Map<string, { at: number; suppressed: number }>();
  return {
    report(err) {
      if (!(err instanceof StoreUnavailableError)) return;
      const call = err.storeCall;
      const key = call ? `${call.part}.${call.operation}` : '';
      const at = performance.now();
      const seen = last.get(key);
      if (seen && at - seen.at < intervalMs) {
        seen.suppressed++;
        return;
      }
      last.set(key, { at, suppressed: 0 });
      events.emit('error', {
        source: 'store',
        error: err,
        ...(call ? { part: call.part, operation: call.operation } : {}),
        ...(seen && seen.suppressed > 0 ? { suppressed: seen.suppressed } : {}),
      });
    },
  };
}
