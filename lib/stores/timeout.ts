import { KoaJwtError, type StoreCall, StoreUnavailableError } from '../errors.js';

/**
 * Runs a store call with a deadline. A store that fails or does not answer within `ms` becomes
 * a StoreUnavailableError (503 with Retry-After): a slow store must never turn into a hang, a
 * 500, or an answer given without the check. `storeCall` names the call on that error (part and
 * method), for the `error` event a 503 emits.
 *
 * @example
 * ```ts
 * const revoked = await withStoreTimeout(2000, () => store.blacklist.isBlacklisted(ids), { part: 'blacklist', operation: 'isBlacklisted' });
 * ```
 */
export async function withStoreTimeout<T>(ms: number, call: () => Promise<T>, storeCall?: StoreCall): Promise<T> {
  let pending: Promise<T>;
  try {
    // Promise.resolve: a custom store method that answers a plain value (or a thenable) is
    // still a promise here; a native promise passes through unchanged (no extra hop).
    pending = Promise.resolve(call());
  } catch (err) {
    throw storeUnavailable(err, undefined, storeCall);
  }
  // Fast path: an in-memory store has answered by the next microtask, so no timer is armed
  // (setTimeout + race cost ~3 µs per request on the revocation check, the hot path).
  let settled: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  pending.then((value) => { settled = { ok: true, value }; }, (error: unknown) => { settled = { ok: false, error }; });
  await undefined;
  if (settled) {
    if (settled.ok) return settled.value;
    throw storeUnavailable(settled.error, undefined, storeCall);
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`The token store did not answer within ${ms} ms.`, storeCall ? { storeCall } : undefined)), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([pending, deadline]);
  } catch (err) {
    throw storeUnavailable(err, undefined, storeCall);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a failed store call answers: a KoaJwtError as it is (it already says what went wrong),
 * anything else as a StoreUnavailableError (503 with Retry-After) caused by it, with `message`
 * (else the default) and the call that failed.
 */
export const storeUnavailable = (err: unknown, message?: string, storeCall?: StoreCall): KoaJwtError => (
  err instanceof KoaJwtError ? err : new StoreUnavailableError(message, { cause: err, ...(storeCall ? { storeCall } : {}) })
);
