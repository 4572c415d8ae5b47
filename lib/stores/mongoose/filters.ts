import mongoose from 'mongoose';

// Every filter the store sends is built here, from typed values only. A value that is not a
// string is refused before a query exists, and sanitizeFilter wraps anything that still looks
// like an operator in $eq: an attacker's `{"$ne": null}` as a kid or jti is never an operator.

/** A string, or a TypeError: a non-string never becomes part of a filter. */
export function str(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`mongooseStore: ${name} must be a string, got ${value === null ? 'null' : typeof value}`);
  return value;
}

const sanitize = <T extends Record<string, unknown>>(filter: T): T => mongoose.sanitizeFilter(filter) as T;

export const byTokenId = (tokenId: unknown) => sanitize({ tokenId: str(tokenId, 'tokenId') });

export const byTokenIds = (tokenIds: readonly unknown[]) => ({ tokenId: { $in: tokenIds.map((id, i) => str(id, `tokenIds[${i}]`)) } });

export const expiredBefore = (now: Date) => ({ expiresAt: { $lt: new Date(now) } });

export const expiringAfter = (since: Date) => ({ expiresAt: { $gt: new Date(since) } });

export const byJti = (jti: unknown) => sanitize({ jti: str(jti, 'jti') });

/** The one refresh token that may still be consumed: not consumed, family not revoked. */
export const consumableJti = (jti: unknown) => ({ ...byJti(jti), consumedAt: null, revokedAt: null });

export const byFamily = (family: unknown) => sanitize({ family: str(family, 'family') });

export const revokedFamily = (family: unknown) => ({ ...byFamily(family), revokedAt: { $ne: null } });

export const byUser = (user: unknown) => sanitize({ user: str(user, 'user') });

export const byKid = (kid: unknown) => sanitize({ kid: str(kid, 'kid') });
