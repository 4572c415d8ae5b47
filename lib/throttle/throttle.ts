import { createHash } from 'node:crypto';
import type { ResolvedConfig, ResolvedLimit } from '../config/types.js';
import type { AttemptStore } from '../stores/store.js';
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
  /** A login refused before its password was checked (the hashing bound was full): its attempt is taken back from both counts. */
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
 * const throttle = createThrottle(config);
 * const refusal = await throttle?.admitLogin('alice', ctx.ip); // { limit: 'username', retryAfter: 840 }
 * ```
 */
export function createThrottle(config: ResolvedConfig): Throttle | undefined {
  const limits = config.throttle;
  if (!limits) return undefined;
  const attempts = config.store.attempts as AttemptStore;
  const timed = <T>(call: () => Promise<T>) => withStoreTimeout(config.storeTimeout, call);

  /** Counts one hit; the refusal when the count is past the limit. */
  async function count(key: string, limit: ResolvedLimit, name: Refusal['limit']): Promise<Refusal | undefined> {
    const now = new Date();
    const { count: n, resetAt } = await timed(() => attempts.hit(key, limit.window * 1000, now));
    return n > limit.limit ? { limit: name, retryAfter: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)) } : undefined;
  }

  return {
    async admitLogin(username, ip) {
      const [byName, byAddress] = await Promise.all([
        limits.username ? count(usernameKey(username), limits.username, 'username') : undefined,
        limits.address && ip !== undefined ? count(addressKey('login', ip), limits.address, 'address') : undefined,
      ]);
      // Both refused: the longer wait is the one that matters.
      if (byName && byAddress) return byName.retryAfter >= byAddress.retryAfter ? byName : byAddress;
      return byName ?? byAddress;
    },
    async loginSucceeded(username, ip) {
      await Promise.all([
        limits.username ? timed(() => attempts.reset(usernameKey(username))) : undefined,
        limits.address && ip !== undefined ? timed(() => attempts.undo(addressKey('login', ip), new Date())) : undefined,
      ]);
    },
    async loginNotChecked(username, ip) {
      await Promise.all([
        limits.username ? timed(() => attempts.undo(usernameKey(username), new Date())) : undefined,
        limits.address && ip !== undefined ? timed(() => attempts.undo(addressKey('login', ip), new Date())) : undefined,
      ]);
    },
    async admitRequest(route, ip) {
      const limit = limits[route];
      if (!limit || ip === undefined) return undefined;
      return count(addressKey(route, ip), limit, 'address');
    },
  };
}
