import { TokenInvalidError } from '../errors.js';
import type { JwtPayload } from './claims.js';

/**
 * Refuses a refresh token where an access token is expected (middleware, verify). A refresh
 * token lives for days and is kept away from scripts; accepting it as a bearer token would
 * turn every leak of the long-lived token into API access (simplejwt's `token_type` rule).
 *
 * @example
 * ```ts
 * assertAccessToken(verified.payload); // throws TokenInvalidError for token_type: 'refresh'
 * ```
 */
export function assertAccessToken(payload: JwtPayload): void {
  if (payload.token_type === 'refresh') {
    throw new TokenInvalidError('A refresh token was presented where an access token is expected; send the access token (token).');
  }
}

/**
 * Requires a pair-mode refresh token at the refresh route: an access token, or a token of
 * single-token mode (no token_type), is refused with a description that says which it was.
 *
 * @example
 * ```ts
 * assertRefreshToken(verified.payload); // throws TokenInvalidError unless token_type is 'refresh'
 * ```
 */
export function assertRefreshToken(payload: JwtPayload): void {
  if (payload.token_type === 'refresh') return;
  throw new TokenInvalidError(payload.token_type === 'access'
    ? 'An access token was presented to the refresh route; send the refresh token (refresh).'
    : 'A token without token_type (single-token mode) was presented to the refresh route; send the refresh token of a pair.');
}
