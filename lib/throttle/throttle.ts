import { createHash } from 'node:crypto';
import type { ResolvedConfig, ResolvedLimit } from '../config/types.js';

/** What the throttle is built from: the resolved `throttle` limits (false: off) and the store deadline, in ms. */
export interface ThrottleOptions {
  readonly limits: ResolvedConfig['throttle'];
  readonly storeTimeout: number;
}
import type { AttemptCount, AttemptStore } from '../stores/store.js';
import { withStoreTimeout } from '../stores/timeout.js';

/** Which limit refused a request, and for how many seconds more. */
export interface Refusal {
  limit: 'username' | 'address';
  retryAfter: number;
}

export interface Throttle {
  /**
   * Counts a login attempt under its username and its address, before any password is hashed;
   * resolves the refusal when either count is past its limit. Counting first (rather than after
   * the failure) means a burst of concurrent guesses cannot all pass a check made before any of
   * them was counted.
   */
  admitLogin(username: string, ip: string | undefined): Promise<Refusal | undefined>;
  /** A successful login: its username's count starts again, and its attempt is taken back from its address. */
  loginSucceeded(username: string, ip: string | undefined): Promise<void>;
  /**
   * A login answered without a verdict on its password (the hashing bound was full, or the users
   * provider could not answer: 429 or 503): its attempt is taken back from both counts.
   */
  loginNotChecked(username: string, ip: string | undefined): Promise<void>;
  /** Counts a refresh or impersonate request under its address; the refusal past the limit. */
  admitRequest(route: 'refresh' | 'impersonate', ip: string | undefined): Promise<Refusal | undefined>;
}

// Keys are hashed: bounded in length whatever a client sends as username or X-Forwarded-For,
// and the store holds no usernames. Usernames are case-folded: a provider that matches
// `Alice` and `alice` as one user must not give a guesser two budgets.
const keyOf = (kind: string, value: string): string => `${kind}:${createHash('sha256').update(value).digest('base64url')}`;
const usernameKey = (username: string) => keyOf('login:username', username.normalize('NFKC').toLowerCase());
const addressKey = (route: string, ip: string) => keyOf(`${route}:address`, ip);

/**
 * The `throttle` of a config, or undefined when it is off. Counts live in the store
 * (`store.attempts`), so that every instance of a service shares them; each call is bounded by
 * `store.timeout` like every other store call (a store that cannot answer is a 503, never a
 * login let through uncounted).
 *
 * @example
 * ```ts
 * const throttle = createThrottle({ limits: config.throttle, storeTimeout: config.storeTimeout }, config.store.attempts);
 * const refusal = await throttle?.admitLogin('alice', ctx.ip); // { limit: 'username', retryAfter: 840 }
 * ```
 */
export function createThrottle(options: ThrottleOptions, store: AttemptStore | undefined): Throttle | undefined {
  const { limits, storeTimeout } = options;
  // The config check refuses throttle limits with a store that keeps no attempt counters.
  if (!limits || !store) return undefined;
  const attempts = store;
  const timed = <T>(operation: keyof AttemptStore, call: () => Promise<T>) => withStoreTimeout(storeTimeout, call, { part: 'attempts', operation });

  /** One hit, sent now: `landed` settles when the store has it, however late. */
  function hit(key: string, limit: ResolvedLimit, name: Refusal['limit']) {
    const now = new Date();
    let landed: Promise<AttemptCount>;
    try {
      landed = Promise.resolve(attempts.hit(key, limit.window * 1000, now));
    } catch (err) {
      landed = Promise.reject(err);
    }
    landed.catch(() => undefined);
    const counted = timed('hit', () => landed).then(({ count: n, resetAt }): Refusal | undefined => (
      n > limit.limit ? { limit: name, retryAfter: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)) } : undefined
    ));
    // Taken back once it lands, not at once: an undo that reached the store before its hit would
    // be lost, and the hit would count after all.
    const takeBack = () => void landed.then(() => attempts.undo(key, new Date())).catch(() => undefined);
    return { counted, takeBack };
  }

  return {
    async admitLogin(username, ip) {
      const hits = [
        limits.username ? hit(usernameKey(username), limits.username, 'username') : undefined,
        limits.address && ip !== undefined ? hit(addressKey('login', ip), limits.address, 'address') : undefined,
      ];
      const outcomes = await Promise.allSettled(hits.map((h) => h?.counted));
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) {
        // This login answers 503 and no password is checked: it must never count towards a
        // lockout, neither the hit that landed in time nor one that lands after the deadline
        // (five such logins with the right password locked the user out once the store recovered).
        for (const h of hits) h?.takeBack();
        throw failed.reason;
      }
      const [byName, byAddress] = outcomes.map((o) => (o as PromiseFulfilledResult<Refusal | undefined>).value);
      // Both refused: the longer wait is the one that matters.
      if (byName && byAddress) return byName.retryAfter >= byAddress.retryAfter ? byName : byAddress;
      return byName ?? byAddress;
    },
    async loginSucceeded(username, ip) {
      await Promise.all([
        limits.username ? timed('reset', () => attempts.reset(usernameKey(username))) : undefined,
        limits.address && ip !== undefined ? timed('undo', () => attempts.undo(addressKey('login', ip), new Date())) : undefined,
      ]);
    },
    async loginNotChecked(username, ip) {
      await Promise.all([
        limits.username ? timed('undo', () => attempts.undo(usernameKey(username), new Date())) : undefined,
        limits.address && ip !== undefined ? timed('undo', () => attempts.undo(addressKey('login', ip), new Date())) : undefined,
      ]);
    },
    async admitRequest(route, ip) {
      const limit = limits[route];
      if (!limit || ip === undefined) return undefined;
      const counted = hit(addressKey(route, ip), limit, 'address');
      // As for a login: a request answered 503 was not served, and does not use up the budget.
      return counted.counted.catch((err: unknown) => {
        counted.takeBack();
        throw err;
      });
    },
  };
}
