import type { Context } from 'koa';
import type { IssueResult, ResolvedConfig } from '../config/types.js';
import { RefreshExpiredError, RefreshNotAllowedError, TokenInvalidError, TokenReusedError, TokenRevokedError } from '../errors.js';
import type { ConsumeResult, RefreshTokenStore } from '../stores/store.js';
import { withStoreTimeout } from '../stores/timeout.js';
import { type JwtPayload, now, userIdOf } from '../tokens/claims.js';
import type { Issuer } from '../tokens/issuer.js';
import { assertRefreshToken } from '../tokens/token-type.js';
import { latestFamilyExpiry, refreshDeadline } from '../tokens/family.js';
import type { Verifier } from '../tokens/verifier.js';
import type { AuthUser } from '../users/provider.js';
import { clientOf, tokenIds, userFields } from '../event-fields.js';
import type { AuthEvents } from '../events.js';
import type { Revocation } from '../revocation/revocation.js';

/** The resolved options pair mode runs with: `refresh` (its `pair` section set), `token`, the store deadline in ms. */
export interface PairOptions {
  readonly refresh: ResolvedConfig['refresh'];
  readonly token: ResolvedConfig['token'];
  readonly storeTimeout: number;
}

export interface PairCollaborators {
  readonly issuer: Issuer;
  readonly verifier: Verifier;
  readonly store: RefreshTokenStore;
  /** The user a refresh token names, refusing unknown and inactive users. */
  readonly userOf: (payload: JwtPayload) => Promise<AuthUser>;
  /** Revokes the access tokens of a family whose refresh tokens were revoked (the blacklist, keyed on the family id). */
  readonly revocation: Pick<Revocation, 'revoke'>;
  /** Tells `reuse_detected`. */
  readonly events: AuthEvents;
}

/** simplejwt's access/refresh pair: issue both, refresh with rotation and reuse detection. */
export interface PairFlow {
  /** A new family: an access token and a refresh token, the refresh token recorded in the store. */
  issue(user: AuthUser, extraClaims?: Record<string, unknown>, ctx?: Context): Promise<IssueResult>;
  /** A refresh token → a new access token (and, with `rotate`, the family's next refresh token). */
  refresh(refreshToken: string, ctx?: Context): Promise<IssueResult>;
}

// Claims that belong to one token, not to the family: never carried from a refresh token to the next.
const PER_TOKEN = ['nbf'] as const;

/** The custom claims of a refresh token (user, extra claims), to carry into the tokens it mints. */
function carried(payload: JwtPayload): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...payload };
  for (const claim of PER_TOKEN) delete claims[claim];
  return claims;
}

/**
 * Builds the pair-mode flow once from the resolved config (`refresh.pair`).
 *
 * Order of a rotating refresh: verify, load the user, sign both new tokens, record the new
 * refresh token, and only then consume the old one. Consuming last means a store failure before
 * it leaves the presented token usable (the client retries and is not taken for a thief); a
 * recorded but never delivered token is harmless, and revoking its family revokes it too.
 *
 * @example
 * ```ts
 * const pair = createPairFlow({ refresh: config.refresh, token: config.token, storeTimeout: config.storeTimeout }, { issuer, verifier, store: config.store.refreshTokens, userOf, revocation, events });
 * const { token, refresh } = await pair.issue(user);
 * const next = await pair.refresh(refresh!); // next.refresh is refresh's successor
 * ```
 */
export function createPairFlow(config: PairOptions, collaborators: PairCollaborators): PairFlow {
  const { issuer, verifier, store, userOf, revocation, events } = collaborators;
  if (!config.refresh.pair) throw new Error('koa-jwt-kit: createPairFlow needs refresh.pair');
  const pair = config.refresh.pair;
  const timed = <T>(operation: keyof RefreshTokenStore, call: () => Promise<T>): Promise<T> => withStoreTimeout(config.storeTimeout, call, { part: 'refreshTokens', operation });
  // The family's access tokens die with it: the blacklist, keyed on the family id.
  const onFamilyRevoked = (payload: JwtPayload) => revocation.revoke({ payload });
  const ownerOf = (payload: JwtPayload): string => userIdOf(payload) ?? String(payload.username ?? '');

  const record = (payload: JwtPayload, family: string): Promise<void> =>
    timed('save', () => store.save({ jti: payload.jti!, family, user: ownerOf(payload), expiresAt: new Date(payload.exp * 1000) }));

  async function revokeFamily(family: string, old: JwtPayload): Promise<void> {
    await timed('revokeFamily', () => store.revokeFamily(family, new Date(), new Date(latestFamilyExpiry(old, config) * 1000)));
    await onFamilyRevoked(old);
  }

  /**
   * A family revoked in the refresh store whose token still passed verification: the blacklist
   * write that revokes its access tokens may have failed (reuse detection answered 503). Write
   * it again (idempotent) before refusing, so a later request of the family finishes the
   * revocation; if it fails again, this request is a 503 too.
   */
  async function finishRevocation(old: JwtPayload): Promise<void> {
    await onFamilyRevoked(old);
  }

  /** Throws unless the presented refresh token was consumed by this very call. */
  async function settle(outcome: ConsumeResult, old: JwtPayload, family: string, ctx?: Context): Promise<void> {
    switch (outcome) {
      case 'consumed': return;
      case 'reused':
        // OAuth 2.0 Security BCP §4.14.2: the server cannot tell the thief from the owner, so
        // the whole family goes, and whoever holds its newest token must log in again.
        if (pair.reuseDetection) {
          await revokeFamily(family, old);
          events.emit('reuse_detected', { ...clientOf(ctx), ...userFields(old), ...tokenIds(old), family });
          throw new TokenReusedError();
        }
        throw new TokenRevokedError('This refresh token was already used; refresh with the newest one.');
      case 'revoked':
        await finishRevocation(old);
        throw new TokenRevokedError('The refresh token family has been revoked; log in again.');
      case 'unknown': throw new TokenRevokedError('This refresh token is not known to the token store; log in again.');
    }
  }

  async function issue(user: AuthUser, extraClaims?: Record<string, unknown>, ctx?: Context): Promise<IssueResult> {
    const common = { ...(extraClaims ? { extra: extraClaims } : {}), ...(ctx ? { ctx } : {}) };
    const refresh = await issuer.issue(user, { ...common, tokenType: 'refresh', expiresIn: pair.expiresIn, notAfter: refreshDeadline(now(), config) });
    const family = refresh.payload.jti;
    if (!family) throw new Error('koa-jwt-kit: pair mode needs token ids (token.tokenId)');
    const access = await issuer.issue(user, {
      ...common, tokenType: 'access', family: { origIat: refresh.payload.orig_iat ?? refresh.payload.iat ?? now(), origJti: family },
    });
    // Recorded before anything is answered: a store that cannot answer makes this a 503, no tokens.
    await record(refresh.payload, family);
    return { token: access.token, payload: access.payload, refresh: refresh.token, refreshPayload: refresh.payload, user };
  }

  async function refresh(refreshToken: string, ctx?: Context): Promise<IssueResult> {
    if (!config.refresh.allow) throw new RefreshNotAllowedError('Token refresh is disabled.');
    const old = (await verifier.verify(refreshToken)).payload;
    assertRefreshToken(old);
    const jti = old.jti;
    if (typeof jti !== 'string') throw new TokenInvalidError('The refresh token has no id (jti).');
    if (typeof old.orig_iat !== 'number') throw new RefreshNotAllowedError('This refresh token has no orig_iat and cannot be refreshed.');
    const end = refreshDeadline(old.orig_iat, config);
    if (now() >= end) throw new RefreshExpiredError();
    const family = old.orig_jti ?? jti;
    const user = await userOf(old);
    const common = { extra: carried(old), ...(ctx ? { ctx } : {}), family: { origIat: old.orig_iat, origJti: family } };

    const access = await issuer.issue(user, { ...common, tokenType: 'access' });
    if (!pair.rotate) {
      // Without rotation the refresh token is used until it expires; only a revoked family stops it.
      if (await timed('isFamilyRevoked', () => store.isFamilyRevoked(family))) {
        await finishRevocation(old);
        throw new TokenRevokedError('The refresh token family has been revoked; log in again.');
      }
      return { token: access.token, payload: access.payload, user };
    }
    // Sliding: a new full lifetime from now, capped by the family's end. Otherwise the rotated
    // token keeps the expiry of the one it replaces, so rotation never extends a session.
    const next = await issuer.issue(user, { ...common, tokenType: 'refresh', expiresIn: pair.expiresIn, notAfter: pair.sliding ? end : old.exp });
    await record(next.payload, family);
    await settle(await timed('consume', () => store.consume(jti, new Date())), old, family, ctx);
    return { token: access.token, payload: access.payload, refresh: next.token, refreshPayload: next.payload, user };
  }

  return { issue, refresh };
}
