import type { Context } from 'koa';
import type { IssueResult } from '../config/types.js';
import { clientOf, tokenIds } from '../event-fields.js';
import type { AuthEvents } from '../events.js';
import type { JwtPayload } from '../tokens/claims.js';
import type { Issuer } from '../tokens/issuer.js';
import { assertAccessToken } from '../tokens/token-type.js';
import type { Verifier } from '../tokens/verifier.js';
import type { AuthUser } from '../users/provider.js';
import type { PairFlow } from './pair.js';

/** A token → new tokens of the same family; tells the `refresh` event. */
export type Refresh = (token: string, ctx?: Context) => Promise<IssueResult>;

export interface RefreshCollaborators {
  readonly verifier: Verifier;
  readonly issuer: Issuer;
  readonly userOf: (payload: JwtPayload) => Promise<AuthUser>;
  /** Pair mode (simplejwt): refresh takes the refresh token (lib/refresh/pair.ts). Absent: drf-jwt's single token. */
  readonly pair: PairFlow | undefined;
  readonly events: AuthEvents;
}

/**
 * Refresh, in either mode. Single-token (drf-jwt): a valid access token, of a user still
 * there and active, → a new one of the same family (same `orig_iat`, `orig_jti` = family id),
 * until `refresh.expiresIn` after the login. Pair mode: rotation and reuse detection.
 * `POST /token/refresh` is this.
 */
export function createRefresh(collaborators: RefreshCollaborators): Refresh {
  const { verifier, issuer, userOf, pair, events } = collaborators;
  return async (token, ctx) => {
    let refreshed: IssueResult;
    let previousJti: string | undefined;
    if (pair) {
      refreshed = await pair.refresh(token, ctx);
    } else {
      const verified = await verifier.verify(token);
      assertAccessToken(verified.payload);
      const user = await userOf(verified.payload);
      const issued = await issuer.refresh(verified.payload, verified.token);
      previousJti = typeof verified.payload.jti === 'string' ? verified.payload.jti : undefined;
      refreshed = { token: issued.token, payload: issued.payload, user };
    }
    events.emit('refresh', {
      ...clientOf(ctx), userId: String(refreshed.user.id), username: refreshed.user.username, ...tokenIds(refreshed.payload),
      ...(previousJti !== undefined ? { previousJti } : {}),
    });
    return refreshed;
  };
}
