import { runInPasswordScope } from '../../lib/users/password-scope.js';
import { verifyPassword } from '../../lib/users/password.js';

/**
 * Whether verifyPassword starts a hash for `stored`: what a cost cap decides, seen without
 * paying the cost (a hash past a cap can take seconds, and a spec that waits for it passes
 * whether or not the cap is there). The hash is handed to a login's bound that counts it and
 * refuses to run it.
 *
 * @example
 * ```ts
 * expect(await startsHashing('pbkdf2_sha256$10000001$salt$…')).to.equal(false);
 * ```
 */
export async function startsHashing(stored: string): Promise<boolean> {
  let started = 0;
  const scope = {
    hash: <T>(): Promise<T> => { started++; return Promise.reject(new Error('counted, not run')); },
    markOutdated: () => {},
  };
  await runInPasswordScope(scope, () => verifyPassword('x', stored));
  return started > 0;
}
