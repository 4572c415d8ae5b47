import { expect } from 'chai';
import { KoaJwtError } from '../../lib/errors.js';

/**
 * Awaits `promise`, expects it to reject with a KoaJwtError of `code`, and returns the error.
 *
 * @example
 * ```ts
 * await rejectsWithCode(auth.verify(token), 'token_invalid');
 * ```
 */
export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<KoaJwtError> {
  let thrown: unknown;
  try {
    await promise;
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected a rejection with ${code}`).to.be.instanceOf(KoaJwtError);
  expect((thrown as KoaJwtError).code, (thrown as Error).message).to.equal(code);
  return thrown as KoaJwtError;
}
