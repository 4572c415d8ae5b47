import type { ResolvedConfig } from '../config/types.js';
import type { JwtPayload } from './claims.js';

/*
 * A refresh family is every token refreshed, directly or not, from one login. Its members
 * share `orig_iat` (the login) and carry the family id as `orig_jti`. Two deadlines belong to
 * a family, and these are their only definitions:
 * - the refresh deadline: no member is refreshed at or after `orig_iat + refresh.expiresIn`;
 * - the latest expiry: the last `exp` any member can carry, since a refresh just before the
 *   deadline still yields a token that lives a full lifetime after it.
 */

type FamilyConfig = Pick<ResolvedConfig, 'token' | 'refresh'>;

/**
 * The family id: `orig_jti` of a refreshed token, else the token's own `jti` (it started the family).
 *
 * @example
 * ```ts
 * familyIdOf({ jti: 'b', orig_jti: 'a', exp }); // 'a'
 * ```
 */
export function familyIdOf(payload: JwtPayload): string | undefined {
  if (typeof payload.orig_jti === 'string') return payload.orig_jti;
  return typeof payload.jti === 'string' ? payload.jti : undefined;
}

/**
 * The refresh deadline (seconds since the epoch) of the family that started at `origIat`.
 *
 * @example
 * ```ts
 * if (now() >= refreshDeadline(payload.orig_iat, config)) throw new RefreshExpiredError();
 * ```
 */
export function refreshDeadline(origIat: number, config: FamilyConfig): number {
  return origIat + config.refresh.expiresIn;
}

/**
 * The latest `exp` (plus leeway) any member of this token's family can carry. A revocation
 * entry must outlive it, or deleting stale entries would bring a sibling back.
 *
 * @example
 * ```ts
 * store.blacklist.add({ tokenId, expiresAt: new Date(latestFamilyExpiry(payload, config) * 1000), blacklistedAt });
 * ```
 */
export function latestFamilyExpiry(payload: JwtPayload, config: FamilyConfig): number {
  const own = payload.exp;
  if (!config.refresh.allow || typeof payload.orig_iat !== 'number') return own + config.token.leeway;
  const latest = refreshDeadline(payload.orig_iat, config) + config.token.maxLifetime;
  return Math.max(own, latest) + config.token.leeway;
}
