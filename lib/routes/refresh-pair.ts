import type { Context } from 'koa';
import type { Authority } from '../authority.js';
import { KoaJwtError } from '../errors.js';
import { refusesToken } from '../middleware/error-answer.js';
import { optionalString, readBody, requireStrings } from './body.js';
import { setTokenCookie } from './cookies.js';
import { refuseCrossSite } from './cross-site.js';
import { checkCsrf } from './csrf.js';
import { clearRefreshCookies, deliverRefresh, refreshCookiePath } from './refresh-cookie.js';
import { admitRequest } from './route-throttle.js';
import { tokenBody } from './token-body.js';

/**
 * `POST /token/refresh` in pair mode: `{ refresh }` from the body, or the refresh cookie (then
 * with the CSRF check) → 201 `{ token }` + the rotated refresh token (body, or cookie).
 * `routePath`: the refresh route's path relative to the router (for the cookie's Path).
 */
export function pairRefreshRoute(authority: Authority, routePath: string) {
  const { config } = authority;
  const cookie = config.refresh.cookie;
  const setsCookies = Boolean(cookie || config.cookie);
  return async function refreshPair(ctx: Context): Promise<void> {
    // Cross-site first, whatever the body: a refused site learns nothing from how its body was read.
    if (setsCookies) refuseCrossSite(ctx, config);
    await admitRequest(authority, 'refresh', ctx);
    const body = await readBody(ctx);
    // The body wins: a token the client sends itself is not an ambient credential, CSRF cannot forge it.
    let token = optionalString(body, 'refresh');
    const fromCookie = token === undefined && cookie ? ctx.cookies.get(cookie.name) : undefined;
    // A body token too: answering it sets the victim's cookies to the attacker's session (login CSRF).
    // With an allow-list, a refresh from the cookie must also name its origin.
    if (fromCookie && config.refresh.csrf.origins.length > 0) refuseCrossSite(ctx, config, { requireOrigin: true });
    if (fromCookie) {
      checkCsrf(ctx, config, fromCookie);
      token = fromCookie;
    }
    if (token === undefined) token = requireStrings(body, ['refresh']).refresh;
    const path = refreshCookiePath(ctx, config, routePath, routePath);
    let result;
    try {
      result = await authority.refresh(token, ctx);
    } catch (err) {
      // A cookie that can never refresh again is dropped, so the app sees "logged out" at once.
      if (fromCookie && err instanceof KoaJwtError && refusesToken(err)) clearRefreshCookies(ctx, config, path);
      throw err;
    }
    setTokenCookie(ctx, config.cookie, result.token, result.payload.exp);
    const forBody = deliverRefresh(ctx, config, result, path);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = tokenBody(config, forBody, ctx);
  };
}
