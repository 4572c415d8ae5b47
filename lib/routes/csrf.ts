import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { ResolvedConfig, ResolvedCookie } from '../config/types.js';
import { CsrfTokenError } from '../errors.js';
import { decodePart } from '../tokens/token-part.js';

/** The name of the double-submit cookie that goes with a refresh cookie: `<name>_csrf`. */
export const csrfCookieName = (refreshCookie: ResolvedCookie): string => `${refreshCookie.name}_csrf`;

/**
 * The refresh cookie's CSRF value: HMAC-SHA256 of the refresh family id under the server's
 * CSRF key (OWASP's signed double-submit cookie). Bound to the session, so a value planted in
 * the CSRF cookie by a sibling subdomain, with a matching header, does not pass; stable across
 * rotations of the family, so that tabs which read it earlier keep working.
 *
 * @example
 * ```ts
 * csrfValue(config.refresh.csrf.key!, refreshPayload.orig_jti ?? refreshPayload.jti);
 * ```
 */
export function csrfValue(key: KeyObject, family: string): string {
  return createHmac('sha256', key).update(`refresh-family:${family}`).digest('base64url');
}

// A payload that is not JSON carries no family: the check then fails.
const noFamily = (): undefined => undefined;

/** The family id of a refresh token, read without verifying it: the token is verified right after. */
function familyOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  const claims = decodePart(payload, noFamily);
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { orig_jti: origJti, jti } = claims as Record<string, unknown>;
  const family = origJti ?? jti;
  return typeof family === 'string' && family !== '' ? family : undefined;
}

// Both sides are HMAC outputs hashed again to one length, so the comparison is constant-time
// whatever the guess's length, and a wrong guess of the right length still fails.
function sameValue(sent: string, expected: string): boolean {
  const digest = (value: string) => createHmac('sha256', 'csrf-compare').update(value).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

/**
 * The double-submit check of a refresh whose token came from the cookie: the browser attaches
 * that cookie to a cross-site POST as well, so the cookie alone proves nothing. The
 * `refresh.csrf.header` header (default `x-csrf-token`) must carry the value the
 * `<refresh cookie>_csrf` cookie delivered: the HMAC of this refresh token's family. Another
 * site cannot read the cookie to write the header, nor plant a cookie whose value passes.
 * (The route refuses cross-site requests first, as every route that sets cookies does.)
 *
 * Throws CsrfTokenError (403 forbidden, naming CSRF).
 *
 * @example
 * ```ts
 * if (fromCookie) checkCsrf(ctx, config, fromCookie);
 * ```
 */
export function checkCsrf(ctx: Context, config: Pick<ResolvedConfig, 'refresh'>, refreshToken: string): void {
  const cookie = config.refresh.cookie;
  const { header, key } = config.refresh.csrf;
  if (!cookie || !key) return;
  const sent = ctx.get(header);
  const family = familyOf(refreshToken);
  if (!sent || !family || !sameValue(sent, csrfValue(key, family))) {
    throw new CsrfTokenError(`CSRF check failed: a refresh from the cookie needs the ${header} header to echo the ${csrfCookieName(cookie)} cookie.`);
  }
}
