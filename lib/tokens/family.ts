import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../config/types.js';
import { type JwtPayload, newTokenId } from './claims.js';

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
 * `sha256:<hex>` of the signing input (header.payload): the id of a token that has no jti (only
 * where `tokenId` is `off` or `include`). The signature is left out: an ES256 signature (r, s)
 * has a twin (r, n − s) that verifies too, and hashing it would let that twin of a revoked token through.
 */
export const tokenHashId = (token: string): string => `sha256:${createHash('sha256').update(token.slice(0, token.lastIndexOf('.'))).digest('hex')}`;

/**
 * The family id: `orig_jti` of a refreshed token (or of any token issued with `tokenId: 'off'`),
 * else the token's own `jti` (it started the family), else — a token without either, issued by
 * an earlier version with `tokenId: 'off'` — the hash of the token itself, when it is given.
 * Refreshing such a token carries that hash on as `orig_jti`, so revoking the first token or any
 * later one revokes them all (docs/security.md, "Refresh families without `jti`"; spec/security/family-without-jti).
 *
 * @example
 * ```ts
 * familyIdOf({ jti: 'b', orig_jti: 'a', exp }); // 'a'
 * familyIdOf({ exp }, token);                   // 'sha256:…' of the token
 * ```
 */
export function familyIdOf(payload: JwtPayload, token?: string): string | undefined {
  if (typeof payload.orig_jti === 'string') return payload.orig_jti;
  if (typeof payload.jti === 'string') return payload.jti;
  return token !== undefined ? tokenHashId(token) : undefined;
}

/**
 * The `orig_jti` the first token of a family (a login) carries: none when its own `jti` names the
 * family, else a new random id, so that a family has an id from its first token on whatever
 * `token.tokenId` says. Without refresh there is no family to name.
 *
 * @example
 * ```ts
 * const origJti = firstFamilyId(jti, config); // tokenId 'off': a fresh id; 'include': undefined
 * ```
 */
export function firstFamilyId(jti: string | undefined, config: FamilyConfig): string | undefined {
  return jti === undefined && config.refresh.allow ? newTokenId() : undefined;
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
