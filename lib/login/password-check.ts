import { performance } from 'node:perf_hooks';
import type { Context } from 'koa';
import { InvalidRequestError, KoaJwtError, type StoreCall, StoreUnavailableError } from '../errors.js';
import type { HashingGate } from '../users/hashing-gate.js';
import { type PasswordScope, runInPasswordScope } from '../users/password-scope.js';

/** What the users provider answered, and whether the hash it matched is outdated. */
export interface PasswordCheck<T> {
  value: T;
  /** verifyPassword matched a hash made with older settings (Django PBKDF2, a cheaper scrypt). */
  outdated: boolean;
}

/**
 * Runs the users provider's `authenticate` for one login, with two separate bounds:
 * - password hashing goes through `gate` (its own bound and its own answer, 429);
 * - the rest, the provider's store calls, gets `storeTimeout` ms, counted while no hash of this
 *   login is waiting or running (a login does not answer "user store unavailable" because the
 *   CPU was busy hashing).
 * When the deadline passes or the client goes away (the response closes unfinished), the login
 * is over: a hash of it still waiting for a slot is dropped and never starts. `storeCall` names
 * the call on a StoreUnavailableError (for the `error` event its 503 emits).
 *
 * @example
 * ```ts
 * const { value: user, outdated } = await checkPassword(gate, 2000, ctx, () => users.authenticate(name, password, ctx));
 * ```
 */
export async function checkPassword<T>(gate: HashingGate, storeTimeout: number, ctx: Context | undefined, call: () => Promise<T>, storeCall?: StoreCall): Promise<PasswordCheck<T>> {
  const controller = new AbortController();
  let outdated = false;
  let hashing = 0;
  let remaining = storeTimeout;
  let since = 0;
  let timer: NodeJS.Timeout | undefined;
  let end!: (err: KoaJwtError) => void;
  const ended = new Promise<never>((_, reject) => {
    end = (err) => {
      controller.abort(err);
      reject(err);
    };
  });
  ended.catch(() => undefined);

  // A monotonic clock: a wall-clock step must not stretch or cut the deadline.
  const arm = () => {
    since = performance.now();
    timer = setTimeout(() => end(new StoreUnavailableError(`The user store did not answer within ${storeTimeout} ms.`, storeCall ? { storeCall } : undefined)), Math.max(0, remaining));
    timer.unref?.();
  };
  const disarm = () => {
    clearTimeout(timer);
    remaining -= performance.now() - since;
  };

  const scope: PasswordScope = {
    async hash(task) {
      if (hashing++ === 0) disarm();
      try {
        return await gate.run(task, controller.signal);
      } finally {
        if (--hashing === 0 && !controller.signal.aborted) arm();
      }
    },
    markOutdated() {
      outdated = true;
    },
  };

  const res = ctx?.res;
  const onClose = () => {
    if (!res!.writableFinished) end(new InvalidRequestError('The client went away before its login was checked.'));
  };
  res?.once('close', onClose);
  if (res?.destroyed) onClose();
  arm();
  try {
    const value = await Promise.race([runInPasswordScope(scope, call), ended]);
    return { value, outdated };
  } catch (err) {
    throw err instanceof KoaJwtError ? err : new StoreUnavailableError('The user store is unavailable; try again shortly.', { cause: err, ...(storeCall ? { storeCall } : {}) });
  } finally {
    clearTimeout(timer);
    res?.off('close', onClose);
  }
}
