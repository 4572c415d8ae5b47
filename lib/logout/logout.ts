import type { Context } from 'koa';
import { clientOf, tokenIds, userFields } from '../event-fields.js';
import type { AuthEvents } from '../events.js';
import type { Revocation } from '../revocation/revocation.js';
import type { JwtPayload } from '../tokens/claims.js';
import type { Verifier } from '../tokens/verifier.js';

/** What a logout revoked: the id its blacklist entry is keyed on, and the claims of the token. */
export interface LoggedOut {
  readonly tokenId: string;
  readonly payload: JwtPayload;
}

/**
 * Logout: revokes a token with its whole refresh family and tells the `logout` event. A token
 * string is verified first but not checked for revocation (holding a token is the right to
 * revoke it, as in RFC 7009, and repeating a logout succeeds again); a payload is one the
 * application already verified. `POST /token/blacklist` and `auth.blacklist` are this.
 */
export type Logout = (tokenOrPayload: string | JwtPayload, ctx?: Context) => Promise<LoggedOut>;

export function createLogout(verifier: Verifier, revocation: Revocation, events: AuthEvents): Logout {
  return async (tokenOrPayload, ctx) => {
    const target = typeof tokenOrPayload === 'string' ? await verifier.verifySignatureAndClaims(tokenOrPayload) : { payload: tokenOrPayload };
    const tokenId = await revocation.revoke(target);
    events.emit('logout', { ...clientOf(ctx), ...userFields(target.payload), ...tokenIds(target.payload) });
    return { tokenId, payload: target.payload };
  };
}
