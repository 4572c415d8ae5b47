import type { Context } from 'koa';
import type { Authority } from '../authority.js';
import { StoreUnavailableError, ThrottledError } from '../errors.js';

/**
 * The per-address limit of the refresh and impersonate routes (`throttle.refresh`,
 * `throttle.impersonate`): counted before any other work, 429 with Retry-After past it. A store
 * that cannot count answers 503, except under `blacklist.onStoreError: 'allow'`, the explicit
 * choice of availability over store checks, where the request goes on (and `error` is emitted).
 * Logins have no such exception: bringing the store down must not lift a lockout.
 *
 * @example
 * ```ts
 * await admitRequest(authority, 'refresh', ctx);
 * ```
 */
export async function admitRequest(authority: Authority, route: 'refresh' | 'impersonate', ctx: Context): Promise<void> {
  let refusal;
  try {
    refusal = await authority.throttle?.admitRequest(route, ctx.ip);
  } catch (err) {
    if (!(err instanceof StoreUnavailableError) || authority.config.blacklist.onStoreError !== 'allow') throw err;
    authority.events.emit('error', { source: 'throttle', error: err, ip: ctx.ip });
    return;
  }
  if (!refusal) return;
  authority.events.emit('throttled', { ip: ctx.ip, route, limit: refusal.limit, retryAfter: refusal.retryAfter });
  throw new ThrottledError(`Too many ${route} requests from this address; try again later.`, { retryAfter: refusal.retryAfter });
}
