import { createClock } from '../clock.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Store } from '../stores/store.js';
import { InvalidRequestError, StoreUnavailableError, TokenRevokedError } from '../errors.js';
import { withStoreTimeout } from '../stores/timeout.js';
import type { JwtPayload } from '../tokens/claims.js';
import { userIdOf } from '../tokens/claims.js';
import type { PostCheck, VerifiedToken } from '../tokens/verifier.js';
import { familyIdOf, latestFamilyExpiry, tokenHashId } from '../tokens/family.js';
import { createRevocationCache } from './revocation-cache.js';

/** What to revoke: a verified token (the string is known), or a payload the application trusts. */
export type RevocationTarget = Pick<VerifiedToken, 'token' | 'payload'> | { token?: undefined; payload: JwtPayload };

export interface Revocation {
  /** Verifier post-check: throws TokenRevokedError (401) for a revoked token, StoreUnavailableError (503) when the store cannot say. */
  readonly check: PostCheck;
  /** Revokes the target's whole refresh family; resolves the id the entry is keyed on. Idempotent. */
  revoke(target: RevocationTarget): Promise<string>;
}

export { tokenHashId } from '../tokens/family.js';

// Made once: the check runs on every request of a store without a synchronous answer.
const IS_BLACKLISTED = Object.freeze({ part: 'blacklist', operation: 'isBlacklisted' } as const);

/**
 * Revocation keyed on `jti` and the family id (`orig_jti ?? jti`), never on the token string
 * alone: ES/RS signatures are malleable, so one token has several valid strings.
 *
 * @example
 * ```ts
 * const revocation = createRevocation(config, store);
 * const verifier = createVerifier(config.token, keyring, { postChecks: [revocation.check] });
 * await revocation.revoke(await verifier.verifySignatureAndClaims(token));
 * ```
 */
/** The resolved options revocation runs with: `blacklist`, `token` and `refresh` (how long a family lives), the store deadline in ms. */
export type RevocationOptions = Pick<ResolvedConfig, 'blacklist' | 'token' | 'refresh' | 'storeTimeout'>;

export function createRevocation(config: RevocationOptions, store: Store, options: { onCacheError?: (err: unknown) => void; onStoreError?: (err: unknown) => void } = {}): Revocation {
  const { storeTimeout, blacklist, token: tokenConfig, refresh: refreshConfig } = config;
  const failOpen = blacklist.onStoreError === 'allow';
  const byHash = tokenConfig.tokenId !== 'require';
  const clock = createClock();

  /** Every id a token may have been revoked under. */
  function idsOf(token: string, payload: JwtPayload): string[] {
    const ids: string[] = [];
    if (typeof payload.jti === 'string') ids.push(payload.jti);
    if (typeof payload.orig_jti === 'string' && payload.orig_jti !== payload.jti) ids.push(payload.orig_jti);
    if (ids.length === 0 && byHash) ids.push(tokenHashId(token));
    return ids;
  }

  // blacklist.cache: a Set lookup instead of a store round trip (lib/revocation/revocation-cache.ts: how stale it may be).
  const cache = createRevocationCache(config, store.blacklist, options.onCacheError ? { onError: options.onCacheError } : {});

  const check: PostCheck = ({ token, payload }) => {
    const ids = idsOf(token, payload);
    if (ids.length === 0) return;
    const known = cache?.has(ids) ?? checkNow(ids);
    if (known === true) throw new TokenRevokedError();
    return known === false ? undefined : checkStore(ids);
  };

  /** The store's synchronous answer, if it has one. A store that throws is a store failure (503), never a 500. */
  function checkNow(ids: string[]): boolean | undefined {
    if (!store.blacklist.isBlacklistedNow) return undefined;
    try {
      return store.blacklist.isBlacklistedNow(ids);
    } catch (err) {
      const error = new StoreUnavailableError(undefined, { cause: err, storeCall: { part: 'blacklist', operation: 'isBlacklistedNow' } });
      if (!failOpen) throw error;
      options.onStoreError?.(error);
      return false;
    }
  }

  async function checkStore(ids: string[]): Promise<void> {
    let revoked: boolean;
    try {
      revoked = await withStoreTimeout(storeTimeout, () => store.blacklist.isBlacklisted(ids), IS_BLACKLISTED);
    } catch (err) {
      // The explicit opt-in to fail open covers this check only: writes still answer 503. The
      // failure is still reported: failing open must not hide an outage.
      if (!failOpen || !(err instanceof StoreUnavailableError)) throw err;
      options.onStoreError?.(err);
      return;
    }
    if (revoked) throw new TokenRevokedError();
  }

  async function revoke({ token, payload }: RevocationTarget): Promise<string> {
    const tokenId = familyIdOf(payload, byHash ? token : undefined);
    if (tokenId === undefined) throw new InvalidRequestError('This token has no id (jti): give the token itself to revoke it.');
    const family = familyIdOf(payload);
    const user = userIdOf(payload);
    const at = new Date();
    const expiresAt = new Date(latestFamilyExpiry(payload, config) * 1000);
    // One deadline per store call, never one shared by both: with a shared one, a store that
    // answers each call in more than half of store.timeout never acknowledges a logout.
    await withStoreTimeout(storeTimeout, () => store.blacklist.add({
      tokenId,
      // With tokenId 'require' only ids are stored: a token string in a database is a credential.
      ...(byHash && token !== undefined ? { token } : {}),
      ...(user !== undefined ? { user } : {}),
      expiresAt,
      blacklistedAt: at,
    }), { part: 'blacklist', operation: 'add' });
    if (refreshConfig.pair && family !== undefined) await withStoreTimeout(storeTimeout, () => store.refreshTokens.revokeFamily(family, at, expiresAt), { part: 'refreshTokens', operation: 'revokeFamily' });
    cache?.add(tokenId);
    if (blacklist.deleteStale) {
      // Housekeeping only: the revocation above is complete, a failure here must not undo its 201.
      // "Stale" by the earliest time both clocks allow: a forward jump of the wall clock must
      // not delete revocations that are still live once it comes back (lib/clock.ts).
      const stale = new Date(clock.earliestNow());
      await withStoreTimeout(storeTimeout, () => store.blacklist.deleteStale(stale), { part: 'blacklist', operation: 'deleteStale' }).catch(() => undefined);
    }
    return tokenId;
  }

  return { check, revoke };
}
