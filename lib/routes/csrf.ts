import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { ResolvedConfig } from '../config/types.js';
import { ForbiddenError } from '../errors.js';
import { csrfCookieName } from './refresh-cookie.js';

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The request's origin: the Origin header, else the origin of the Referer (OWASP's fallback). */
function originOf(ctx: Context): string | undefined {
  const origin = ctx.get('Origin');
  if (origin && origin !== 'null') return origin;
  const referer = ctx.get('Referer');
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * The CSRF defence of a refresh whose token came from the cookie: the browser attaches that
 * cookie to a cross-site POST as well, so the cookie alone proves nothing.
 *
 * - Double-submit (always): the `refresh.csrf.header` header (default `x-csrf-token`) must equal
 *   the `<refresh cookie>_csrf` cookie set at login. Another site can make the browser send the
 *   cookie, but cannot read it to write the header.
 * - Origin (when `refresh.csrf.origins` lists any): the request's Origin (or Referer) must be
 *   one of them, so that even a sibling subdomain that can plant cookies is refused.
 *
 * Throws ForbiddenError (403 forbidden) naming CSRF.
 *
 * @example
 * ```ts
 * if (fromCookie) checkCsrf(ctx, config);
 * ```
 */
export function checkCsrf(ctx: Context, config: ResolvedConfig): void {
  const cookie = config.refresh.cookie;
  if (!cookie) return;
  const { header, origins } = config.refresh.csrf;
  const sent = ctx.get(header);
  const expected = ctx.cookies.get(csrfCookieName(cookie));
  if (!sent || !expected || !sameSecret(sent, expected)) {
    throw new ForbiddenError(`CSRF check failed: a refresh from the cookie needs the ${header} header to echo the ${csrfCookieName(cookie)} cookie.`);
  }
  if (origins.length > 0) {
    const origin = originOf(ctx);
    if (!origin || !origins.includes(origin)) {
      throw new ForbiddenError(`CSRF check failed: ${origin ? `the origin ${origin} is` : 'a request without Origin is'} not allowed to refresh from the cookie.`);
    }
  }
}
