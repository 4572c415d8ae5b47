import type { Context } from 'koa';
import type { Authority } from '../authority.js';
import { NotAvailableError } from '../errors.js';
import { readBody, requireStrings } from './body.js';
import { setTokenCookie } from './cookies.js';
import { refuseCrossSite } from './cross-site.js';
import { pairRefreshRoute } from './refresh-pair.js';
import { admitRequest } from './route-throttle.js';
import { tokenBody } from './token-body.js';

/** `POST /token/refresh` `{ token }` → 201 `{ token }`: same family, new jti and exp. */
export function refreshRoute(authority: Authority, path = '/token/refresh') {
  const { config } = authority;
  // A verify-only service issues nothing, so it refreshes nothing: 404 as its obtain route, not
  // the 503 "no key can sign" that would tell clients to retry for ever.
  if (!config.users) {
    return async function refresh(): Promise<void> {
      throw new NotAvailableError('This service only verifies tokens: it issues none to refresh.');
    };
  }
  if (config.refresh.pair) return pairRefreshRoute(authority, path);
  return async function refresh(ctx: Context): Promise<void> {
    if (config.cookie) refuseCrossSite(ctx, config);
    await admitRequest(authority, 'refresh', ctx);
    const body = await readBody(ctx);
    const { token } = requireStrings(body, ['token']);
    const result = await authority.refresh(token, ctx);
    setTokenCookie(ctx, config.cookie, result.token, result.payload.exp);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = tokenBody(config, result, ctx);
  };
}
