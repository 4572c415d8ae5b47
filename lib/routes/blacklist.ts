import type { Context } from 'koa';
import type { Authority } from '../authority.js';
import { CredentialsRequiredError } from '../errors.js';
import { optionalString, readBody } from './body.js';
import { createExtractor } from '../middleware/extract.js';
import { clearTokenCookie } from './cookies.js';
import { refuseCrossSite } from './cross-site.js';
import { clearRefreshCookies, refreshCookiePath } from './refresh-cookie.js';

/**
 * `POST /token/blacklist` (logout): revokes the token in the body (`token`, or `refresh` as
 * simplejwt's TokenBlacklistView takes it), or else the caller's own
 * token, with its whole refresh family → 201 `{ token_id }`. Holding a token is the right to
 * revoke it (as in RFC 7009), so a body token needs no other credentials. Revocation is not
 * checked first: repeating the call is 201 again. The cookie the revoked token came from is cleared,
 * and so is the refresh cookie when the caller revokes their own token (a browser's logout).
 * `paths`: this route's and the refresh route's paths in the router (for the refresh cookie's Path).
 */
export function blacklistRoute(authority: Authority, paths: { blacklist: string; refresh: string } = { blacklist: '/token/blacklist', refresh: '/token/refresh' }) {
  const { config } = authority;
  const extract = createExtractor(config);
  return async function blacklist(ctx: Context): Promise<void> {
    const body = await readBody(ctx);
    const given = optionalString(body, 'token') ?? optionalString(body, 'refresh');
    const own = given === undefined ? extract(ctx) : undefined;
    const token = given ?? own?.token;
    if (token === undefined) throw new CredentialsRequiredError('Give the token to revoke, or authenticate with it.');
    // An ambient cookie credential from another site would log the victim out (the route clears cookies).
    if (own && own.source !== 'header') refuseCrossSite(ctx, config);
    const { tokenId } = await authority.logout(token, ctx);
    if (own?.source === 'cookie') clearTokenCookie(ctx, config.cookie);
    if (own?.source === 'impersonation-cookie') clearTokenCookie(ctx, config.impersonation.cookie);
    if (own && config.refresh.cookie) clearRefreshCookies(ctx, config, refreshCookiePath(ctx, config, paths.blacklist, paths.refresh));
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { token_id: tokenId };
  };
}
