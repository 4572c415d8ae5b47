import type { Context } from 'koa';
import type { IssueResult, ResolvedConfig } from '../config/types.js';
import { allowSecure } from './cookies.js';
import { csrfCookieName, csrfValue } from './csrf.js';

/** A path without its one trailing slash (@koa/router ignores it unless `strict`); a route at the mount point is ''. */
const trimSlash = (path: string): string => (path.endsWith('/') ? path.slice(0, -1) : path);

/** The path of the request as the browser sent it (koa-mount and nested routers keep originalUrl whole). */
const requestPath = (ctx: Context): string => trimSlash((ctx.originalUrl || ctx.url).split('?')[0]!);

/**
 * The request path spelt as the app wrote its routes. @koa/router matches case-insensitively,
 * so `/AUTH/TOKEN` reaches the route `/auth/token`; a browser matches a cookie's Path
 * case-sensitively (RFC 6265 §5.1.4), so a Path in the request's spelling would miss the real
 * refresh route. The matched layer's path (`ctx.routerPath`, with the prefixes of nested routers)
 * gives each static segment its case; parameters (`:tenant` never equals a segment) and whatever
 * koa-mount stripped (it matches case-sensitively) keep the request's.
 */
function asRouted(ctx: Context, path: string): string {
  const layer = (ctx as { routerPath?: unknown }).routerPath;
  if (typeof layer !== 'string') return path;
  const given = path.split('/');
  const routed = trimSlash(layer).split('/');
  const offset = given.length - routed.length;
  return given.map((segment, i) => {
    const own = routed[i - offset];
    return own?.toLowerCase() === segment.toLowerCase() ? own : segment;
  }).join('/');
}

/**
 * The refresh cookie's Path: the configured one, or else the refresh route's own path as the
 * browser sees it, so that the long-lived token is sent to that one route and no other.
 * `fromPath`/`toPath`: the route answering now and the refresh route, relative to the router;
 * the mount prefix is what precedes `fromPath` in the request path, spelt as the routes are.
 *
 * @example
 * ```ts
 * refreshCookiePath(ctx, config, '/token', '/token/refresh'); // '/auth/token/refresh' for POST /auth/token or /AUTH/TOKEN
 * ```
 */
export function refreshCookiePath(ctx: Context, config: Pick<ResolvedConfig, 'refresh'>, fromPath: string, toPath: string): string {
  const cookie = config.refresh.cookie;
  if (!cookie || !config.refresh.cookieOnRoutePath) return cookie ? cookie.path : '/';
  const path = asRouted(ctx, requestPath(ctx));
  const from = trimSlash(fromPath);
  // A path we cannot line up with the route table (a handler mounted without its path): '/' is safe, only wider.
  if (!path.endsWith(from)) return '/';
  return `${path.slice(0, path.length - from.length)}${toPath}` || '/';
}

/**
 * Puts a pair's refresh token into the HttpOnly refresh cookie (when `refresh.cookie` is set)
 * with its double-submit CSRF cookie, and returns the result the JSON body is built from: with
 * a refresh cookie the refresh token is not in the body, so that script never holds it.
 * The CSRF value is the family's signed value (csrfValue): the same for every token of the family.
 *
 * @example
 * ```ts
 * const forBody = deliverRefresh(ctx, config, result, '/auth/token/refresh');
 * ctx.body = tokenBody(config, forBody, ctx);
 * ```
 */
export function deliverRefresh(ctx: Context, config: Pick<ResolvedConfig, 'refresh'>, result: IssueResult, path: string): IssueResult {
  const cookie = config.refresh.cookie;
  const key = config.refresh.csrf.key;
  if (!cookie || !key || result.refresh === undefined || !result.refreshPayload) return result;
  const family = result.refreshPayload.orig_jti ?? result.refreshPayload.jti;
  // Pair mode always gives refresh tokens a jti (resolveConfig refuses tokenId 'off' with it).
  if (typeof family !== 'string') throw new Error('koa-jwt-kit: a refresh token without a family id cannot go into a cookie');
  const expires = new Date(result.refreshPayload.exp * 1000);
  allowSecure(ctx, cookie);
  const common = { secure: cookie.secure, sameSite: cookie.sameSite, ...(cookie.domain ? { domain: cookie.domain } : {}), expires, overwrite: true };
  ctx.cookies.set(cookie.name, result.refresh, { ...common, httpOnly: cookie.httpOnly, path });
  // Readable by the page's script (path '/', not HttpOnly): it echoes the value in the CSRF header.
  ctx.cookies.set(csrfCookieName(cookie), csrfValue(key, family), { ...common, httpOnly: false, path: '/' });
  const { refresh: _refresh, refreshPayload: _payload, ...rest } = result;
  return rest;
}

/** Clears the refresh cookie and its CSRF cookie (a refresh token that can no longer refresh). */
export function clearRefreshCookies(ctx: Context, config: Pick<ResolvedConfig, 'refresh'>, path: string): void {
  const cookie = config.refresh.cookie;
  if (!cookie) return;
  const domain = cookie.domain ? { domain: cookie.domain } : {};
  ctx.cookies.set(cookie.name, null, { path, ...domain, overwrite: true });
  ctx.cookies.set(csrfCookieName(cookie), null, { path: '/', ...domain, overwrite: true });
}
