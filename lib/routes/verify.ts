import type { Context } from 'koa';
import type { Authority } from '../authority.js';
import { readBody, requireStrings } from './body.js';

/** `POST /token/verify` `{ token }` → 200 `{ token, payload }`, or the middleware's 401. */
export function verifyRoute(authority: Authority) {
  return async function verify(ctx: Context): Promise<void> {
    const body = await readBody(ctx);
    const { token } = requireStrings(body, ['token']);
    const { verified } = await authority.authenticate(token);
    ctx.status = 200;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { token: verified.token, payload: verified.payload };
  };
}
