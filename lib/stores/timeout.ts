import { KoaJwtError, StoreUnavailableError } from '../errors.js';

/**
 * Runs a store call with a deadline. A store that fails or does not answer within `ms` becomes
 * a StoreUnavailableError (503 with Retry-After): a slow store must never turn into a hang, a
 * 500, or an answer given without the check.
 */
export async function withStoreTimeout<T>(ms: number, call: () => Promise<T>): Promise<T> {
  let pending: Promise<T>;
  try {
    // Promise.resolve: a custom store method that answers a plain value (or a thenable) is
    // still a promise here; a native promise passes through unchanged (no extra hop).
    pending = Promise.resolve(call());
  } catch (err) {
    throw unavailable(err);
  }
  // Fast path: an in-memory store has answered by the next microtask, so no timer is armed
  // (setTimeout + race cost ~3 µs per request on the revocation check, the hot path).
  let settled: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  pending.then((value) => { settled = { ok: true, value }; }, (error: unknown) => { settled = { ok: false, error }; });
  await undefined;
  if (settled) {
    if (settled.ok) return settled.value;
    throw unavailable(settled.error);
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`The token store did not answer within ${ms} ms.`)), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([pending, deadline]);
  } catch (err) {
    throw unavailable(err);
  } finally {
    clearTimeout(timer);
  }
}

const unavailable = (err: unknown): KoaJwtError => (err instanceof KoaJwtError ? err : new StoreUnavailableError(undefined, { cause: err }));
