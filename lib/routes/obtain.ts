import type { Context } from 'koa';
import type { Authority } from '../authority/authority.js';
import { readBody, requireStrings } from './body.js';
import { setTokenCookie } from './cookies.js';
import { tokenBody } from './respond.js';

/** `POST /token` `{ username, password }` → 201 `{ token }` (drf-jwt's obtain_jwt_token). */
export function obtainRoute(authority: Authority) {
  const { config } = authority;
  return async function obtain(ctx: Context): Promise<void> {
    const body = await readBody(ctx);
    const { username, password } = requireStrings(body, ['username', 'password']);
    const result = await authority.obtain(username, password, ctx);
    setTokenCookie(ctx, config.cookie, result.token, result.payload.exp);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = tokenBody(config, result, ctx);
  };
}
