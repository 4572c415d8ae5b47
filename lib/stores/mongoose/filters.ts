import mongoose from 'mongoose';
import { stringIds } from '../string-id.js';

// Every filter the store sends is built here, from typed values only. A value that is not a
// string is refused before a query exists, and sanitizeFilter wraps anything that still looks
// like an operator in $eq: an attacker's `{"$ne": null}` as a kid or jti is never an operator.
// The store's own operators are marked trusted: an application that turns sanitizeFilter on for
// its connection would otherwise have them wrapped too, and every lookup fail with a CastError.

/** A string, or a TypeError: a non-string never becomes part of a filter. */
export const str = stringIds('mongooseStore');

const sanitize = <T extends Record<string, unknown>>(filter: T): T => mongoose.sanitizeFilter(filter) as T;

/** One of the store's own operator objects, which sanitizeFilter leaves as it is. */
const op = <T extends Record<string, unknown>>(operator: T): T => mongoose.trusted(operator);

export const byTokenId = (tokenId: unknown) => sanitize({ tokenId: str(tokenId, 'tokenId') });

export const byTokenIds = (tokenIds: readonly unknown[]) => ({ tokenId: op({ $in: tokenIds.map((id, i) => str(id, `tokenIds[${i}]`)) }) });

export const expiredBefore = (now: Date) => ({ expiresAt: op({ $lt: new Date(now) }) });

/** Entries still in force at `since`: one expiring exactly then is (deleteStale keeps it until then). */
export const inForceAt = (since: Date) => ({ expiresAt: op({ $gte: new Date(since) }) });

export const byJti = (jti: unknown) => sanitize({ jti: str(jti, 'jti') });

/** The one refresh token that may still be consumed: not consumed, family not revoked. */
export const consumableJti = (jti: unknown) => ({ ...byJti(jti), consumedAt: null, revokedAt: null });

export const byFamily = (family: unknown) => sanitize({ family: str(family, 'family') });

/** A token of `family` stamped revoked (by revokeFamily, or by a save into a revoked family). */
export const revokedFamily = (family: unknown) => ({ ...byFamily(family), revokedAt: op({ $ne: null }) });

/** The token `jti` if it is not stamped revoked yet. */
export const unrevokedJti = (jti: unknown) => ({ ...byJti(jti), revokedAt: null });

export const byUser = (user: unknown) => sanitize({ user: str(user, 'user') });

export const byKid = (kid: unknown) => sanitize({ kid: str(kid, 'kid') });

export const byKey = (key: unknown) => sanitize({ key: str(key, 'key') });

/** A counter whose window is still open at `now` and has something to take back. */
export const undoableKey = (key: unknown, now: Date) => ({ ...byKey(key), expiresAt: op({ $gt: new Date(now) }), count: op({ $gt: 0 }) });

/**
 * One attempt, as a single atomic update pipeline: inside the window the count goes up by one;
 * past it (or for a new key: a missing expiresAt sorts before any date) the window restarts at 1.
 * Both $cond read the document as it was before this update.
 */
export function hitPipeline(now: Date, windowMs: number): Record<string, unknown>[] {
  const at = new Date(now);
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new TypeError('mongooseStore: windowMs must be a positive number');
  const open = { $gt: ['$expiresAt', at] };
  return [{ $set: {
    count: { $cond: [open, { $add: ['$count', 1] }, 1] },
    expiresAt: { $cond: [open, '$expiresAt', new Date(at.getTime() + windowMs)] },
  } }];
}
