import { LRUCache } from 'lru-cache';
import { type Clock, createClock } from '../clock.js';
import type { Keyring } from '../keyring/keyring.js';
import { type ClaimRules, validateNotExpired } from './claims.js';
import type { VerifiedToken } from './verified.js';

/**
 * The verified-token cache (`token.cache`): a token string that passed signature and claims
 * once is not verified again until it stops being usable. Every way an entry stops being used
 * is in this file:
 * - its time: exp is checked again on every hit with the same claim rules. iat, nbf and the
 *   maximum lifetime were checked when it was verified and are not checked again: real time
 *   only moves a token towards them, so a step back of the wall clock (NTP, a VM resume) does
 *   not refuse a token this instance has already accepted;
 * - its key: any keyring change that retires or removes a key empties the cache;
 * - its user's secret: `dropUser` (per-user secrets rotated on this instance) drops them, and a
 *   token verified with a per-user key is set with a `maxAge` (the verifier's
 *   overrideCacheSeconds), which bounds a rotation made elsewhere (another instance, or a
 *   `userSecrets` function). That bound is a duration, so it runs on the monotonic clock: a step
 *   back of the wall clock must not keep a token of a rotated secret for the size of the step;
 * - the bound: least recently used entries go first beyond `max`.
 * Revocation is not cached here: the verifier's post-checks run on every request, hit or miss.
 */
export interface TokenCache {
  /**
   * The cached verification of `token`, or undefined. Throws TokenExpiredError when its exp
   * has passed (the entry is dropped first).
   */
  get(token: string, at: number): VerifiedToken | undefined;
  /** Taken before a verification starts; `set` ignores a result whose ticket predates a drop. */
  ticket(): number;
  /**
   * Keeps `verified` (the verifier freezes it: hits share it). `maxAge` in seconds caps its stay,
   * measured on the monotonic clock from this call.
   */
  set(verified: VerifiedToken, ticket: number, options?: { maxAge?: number; user?: string }): void;
  /** Drops every token of `userId` (its secret was rotated). */
  dropUser(userId: string): void;
  clear(): void;
  readonly size: number;
  /** Stops listening to the keyring. */
  close(): void;
}

interface Entry {
  readonly verified: VerifiedToken;
  /** Monotonic milliseconds from which the entry is not used (Infinity: exp decides). */
  readonly staleAt: number;
  readonly user: string | undefined;
}

/**
 * Builds the cache for one verifier, or undefined when `max` is 0.
 *
 * @example
 * ```ts
 * const cache = createTokenCache({ max: 10_000, rules, keyring });
 * const hit = cache?.get(token, now());
 * ```
 */
export function createTokenCache(options: { max: number; rules: ClaimRules; keyring: Keyring; clock?: Clock }): TokenCache | undefined {
  const { max, rules, keyring } = options;
  if (!(max > 0)) return undefined;
  const clock = options.clock ?? createClock();
  const lru = new LRUCache<string, Entry>({ max });
  // Bumped by every drop: a verification that was in flight across it must not insert what it found.
  let epoch = 0;

  function clear(): void {
    epoch++;
    lru.clear();
  }

  // 'add' makes no token invalid; 'promote' retires the previous signer.
  const unsubscribe = keyring.onChange((change) => {
    if (change.type !== 'add') clear();
  });

  return {
    get(token, at) {
      const entry = lru.get(token);
      if (!entry) return undefined;
      if (entry.staleAt !== Infinity && clock.monotonic() >= entry.staleAt) {
        lru.delete(token);
        return undefined;
      }
      const payload = entry.verified.payload;
      try {
        validateNotExpired(payload.exp, rules, at);
      } catch (err) {
        lru.delete(token);
        throw err;
      }
      return entry.verified;
    },
    ticket: () => epoch,
    set(verified, ticket, setOptions = {}) {
      if (ticket !== epoch) return;
      const staleAt = setOptions.maxAge === undefined ? Infinity : clock.monotonic() + setOptions.maxAge * 1000;
      lru.set(verified.token, { verified, staleAt, user: setOptions.user });
    },
    dropUser(userId) {
      epoch++;
      // Rare (log out everywhere): a scan of at most `max` entries beats an index kept on every insert.
      const keys: string[] = [];
      for (const [token, entry] of lru.entries()) if (entry.user === userId) keys.push(token);
      for (const token of keys) lru.delete(token);
    },
    clear,
    get size() {
      return lru.size;
    },
    close: () => {
      unsubscribe();
    },
  };
}
