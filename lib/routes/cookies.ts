import type { Context } from 'koa';
import type { ResolvedCookie } from '../config/types.js';

/**
 * A Secure cookie is set even when Koa sees plain HTTP: behind a TLS-terminating proxy without
 * `app.proxy`, Koa's cookie library would otherwise throw and turn a login into a 500. The
 * browser itself refuses a Secure cookie over an insecure origin, so nothing leaks.
 */
export function allowSecure(ctx: Context, cookie: ResolvedCookie): void {
  if (cookie.secure && !ctx.cookies.secure) ctx.cookies.secure = true;
}

/** Sets a token cookie that ends with the token (`exp`). */
export function setTokenCookie(ctx: Context, cookie: ResolvedCookie | false, token: string, exp: number): void {
  if (!cookie) return;
  allowSecure(ctx, cookie);
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
  allowSecure(ctx, cookie);
  ctx.cookies.set(cookie.name, null, { path: cookie.path, ...(cookie.domain ? { domain: cookie.domain } : {}), overwrite: true });
}
