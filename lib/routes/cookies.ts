import type { Context } from 'koa';
import type { ResolvedCookie } from '../config/types.js';

/** Sets a token cookie that ends with the token (`exp`). */
export function setTokenCookie(ctx: Context, cookie: ResolvedCookie | false, token: string, exp: number): void {
  if (!cookie) return;
  ctx.cookies.set(cookie.name, token, {
    httpOnly: cookie.httpOnly,
    secure: cookie.secure,
    sameSite: cookie.sameSite,
    path: cookie.path,
    ...(cookie.domain ? { domain: cookie.domain } : {}),
    expires: new Date(exp * 1000),
    overwrite: true,
  });
}

/** Clears a token cookie. */
export function clearTokenCookie(ctx: Context, cookie: ResolvedCookie | false): void {
  if (!cookie) return;
  ctx.cookies.set(cookie.name, null, { path: cookie.path, ...(cookie.domain ? { domain: cookie.domain } : {}), overwrite: true });
}
