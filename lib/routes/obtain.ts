import type { Context } from 'koa';
import type { Authority } from '../authority.js';
import { readBody, requireStrings } from './body.js';
import { setTokenCookie } from './cookies.js';
import { refuseCrossSite } from './cross-site.js';
import { deliverRefresh, refreshCookiePath } from './refresh-cookie.js';
import { tokenBody } from './token-body.js';

/**
 * `POST /token` `{ username, password }` → 201 `{ token }` (drf-jwt's obtain_jwt_token); in pair
 * mode `{ token, refresh }`, the refresh token in its cookie instead when `refresh.cookie` is set.
 * `paths`: this route's and the refresh route's paths in the router (for the refresh cookie's Path).
 */
export function obtainRoute(authority: Authority, paths: { obtain: string; refresh: string } = { obtain: '/token', refresh: '/token/refresh' }) {
  const { config } = authority;
  const setsCookies = Boolean(config.cookie || (config.refresh.pair && config.refresh.cookie));
  return async function obtain(ctx: Context): Promise<void> {
    // Before the credentials are looked at: a cross-site login is refused, not counted.
    if (setsCookies) refuseCrossSite(ctx, config);
    const body = await readBody(ctx);
    const { username, password } = requireStrings(body, ['username', 'password']);
    const result = await authority.obtain(username, password, ctx);
    setTokenCookie(ctx, config.cookie, result.token, result.payload.exp);
    const forBody = deliverRefresh(ctx, config, result, refreshCookiePath(ctx, config, paths.obtain, paths.refresh));
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = tokenBody(config, forBody, ctx);
  };
}
