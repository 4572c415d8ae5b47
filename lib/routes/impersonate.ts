import type { Context } from 'koa';
import type { Authority } from '../authority.js';
import { InvalidRequestError, NotAvailableError } from '../errors.js';
import { readBody } from './body.js';
import { callerAuthenticator } from './caller.js';
import { setTokenCookie } from './cookies.js';
import { refuseCrossSite } from './cross-site.js';
import { admitRequest } from './route-throttle.js';
import { tokenBody } from './token-body.js';

/** The target's id: a non-empty string or an integer (ids are often numbers in JSON). */
function targetId(body: Record<string, unknown>): string {
  const value = Object.prototype.hasOwnProperty.call(body, 'user') ? body.user : undefined;
  if (typeof value === 'string' && value !== '' && value.length <= 255) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  const reason = value === undefined || value === null || value === '' ? 'This field is required.' : 'This field must be a user id (string or integer).';
  throw new InvalidRequestError('Missing or invalid field: user.', { user: reason });
}

/**
 * `POST /token/impersonate` `{ user }` by an authenticated superuser → 201 `{ token }` for that
 * user, carrying `act: { sub: <superuser id> }`; the impersonation cookie is set when configured.
 * A verify-only service (no users) answers 404 not_available.
 */
export function impersonateRoute(authority: Authority) {
  const { config } = authority;
  const authenticateCaller = callerAuthenticator(authority);
  return async function impersonateHandler(ctx: Context): Promise<void> {
    // Before the caller is authenticated: a verify-only service offers no impersonation to anyone.
    if (!config.users) throw new NotAvailableError('This service only verifies tokens: it has no users to impersonate.');
    if (config.impersonation.cookie) refuseCrossSite(ctx, config);
    await admitRequest(authority, 'impersonate', ctx);
    // Authenticate first: an anonymous caller learns nothing, not even that the body is wrong.
    const caller = await authenticateCaller(ctx);
    const body = await readBody(ctx);
    const result = await authority.impersonate(caller, targetId(body), ctx);
    setTokenCookie(ctx, config.impersonation.cookie, result.token, result.payload.exp);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = tokenBody(config, result, ctx);
  };
}
