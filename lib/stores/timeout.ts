import { KoaJwtError, StoreUnavailableError } from '../errors.js';

/**
 * Runs a store call with a deadline. A store that fails or does not answer within `ms` becomes
 * a StoreUnavailableError (503 with Retry-After): a slow store must never turn into a hang, a
 * 500, or an answer given without the check.
 */
export async function withStoreTimeout<T>(ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`The token store did not answer within ${ms} ms.`)), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([call(), deadline]);
  } catch (err) {
    if (err instanceof KoaJwtError) throw err;
    throw new StoreUnavailableError(undefined, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
