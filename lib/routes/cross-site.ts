import type { Context } from 'koa';
import type { ResolvedConfig } from '../config/types.js';
import { CrossSiteRequestError } from '../errors.js';

/** The Referer's origin (OWASP's fallback when a browser sends no Origin), or undefined. */
function refererOrigin(ctx: Context): string | undefined {
  const referer = ctx.get('Referer');
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Is `origin` the origin this request was sent to? The host must match; the scheme too, except
 * that an https page may call a server that sees http (TLS ended at a proxy without
 * `app.proxy`), which must not lock every browser out of logging in.
 */
function isOwnOrigin(origin: string, ctx: Context): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.host !== ctx.host) return false;
  return url.protocol === `${ctx.protocol}:` || url.protocol === 'https:';
}

export interface CrossSiteOptions {
  /** Also refuse a request without any browser signal (a refresh from the cookie with an explicit allow-list). */
  requireOrigin?: boolean;
}

/**
 * Refuses a browser request from another site to a route that sets cookies: otherwise a form on
 * any page can log the victim's browser into the attacker's account (login CSRF), SameSite or
 * not, since SameSite limits which cookies are *sent*, not which are *set*.
 *
 * Allowed: the request's own origin and those of `refresh.csrf.origins`. The judge, in order:
 * `Sec-Fetch-Site: same-origin` (or `none`, typed by the user) is the browser's own verdict,
 * unaffected by proxies that rewrite Host; else an `Origin` header must be allowed, and
 * `Origin: null` (sandboxed frames, opaque redirects) never is; else a `same-site`/`cross-site`
 * Sec-Fetch-Site is refused; else the Referer's origin must be allowed. A request with none of
 * them is not from a browser (every current browser sends Origin on a POST), so curl and
 * server-side clients keep working, unless `requireOrigin`.
 *
 * @example
 * ```ts
 * if (setsCookies) refuseCrossSite(ctx, config);
 * ```
 */
export function refuseCrossSite(ctx: Context, config: Pick<ResolvedConfig, 'refresh'>, options: CrossSiteOptions = {}): void {
  const listed = config.refresh.csrf.origins;
  const allowed = (origin: string): boolean => listed.includes(origin) || isOwnOrigin(origin, ctx);
  const refuse = (what: string): never => {
    const others = listed.length > 0 ? ` and ${listed.join(', ')}` : '';
    throw new CrossSiteRequestError(`CSRF check failed: ${what} may not call a route that sets cookies (allowed: this server's own origin${others}; see refresh.csrf.origins).`);
  };

  const site = ctx.get('Sec-Fetch-Site').toLowerCase();
  if (site === 'same-origin' || site === 'none') return;
  const origin = ctx.get('Origin');
  if (origin) {
    if (origin === 'null') refuse('an opaque origin (Origin: null)');
    if (!allowed(origin)) refuse(`the origin ${origin}`);
    return;
  }
  if (site !== '') refuse(`a ${site} page without Origin`);
  const referer = refererOrigin(ctx);
  if (referer) {
    if (!allowed(referer)) refuse(`the origin ${referer}`);
    return;
  }
  if (options.requireOrigin) refuse('a request without Origin or Referer');
}
