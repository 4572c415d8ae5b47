import { type StoreCall, StoreUnavailableError } from '../errors.js';
import { withStoreTimeout } from '../stores/timeout.js';

/**
 * Calls the users provider (`operation`: the UserProvider method) within the store deadline
 * (`storeTimeout`, ms): a provider that fails or does not answer is a 503 naming the users
 * store, never a 500. Not for password checks, which run inside the hashing bound
 * (lib/login/password-check.ts).
 */
export async function callUsers<T>(storeTimeout: number, call: () => Promise<T>, operation: string): Promise<T> {
  const storeCall: StoreCall = { part: 'users', operation };
  try {
    return await withStoreTimeout(storeTimeout, call, storeCall);
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw new StoreUnavailableError('The user store is unavailable; try again shortly.', { cause: err.cause ?? err, storeCall });
    throw err;
  }
}
