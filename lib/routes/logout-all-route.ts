import type { Context } from 'koa';
import type { Authority } from '../authority.js';
import { callerAuthenticator } from './caller.js';
import { clearTokenCookie } from './cookies.js';

/**
 * `POST /token/logout-all` with the caller's own token → 204: rotates the caller's user
 * secret, so every token of that user, on every device, stops verifying at once. Installed
 * only with `userSecrets: true` (a function-form secret is the application's to rotate).
 */
export function logoutAllRoute(authority: Authority) {
  const { config } = authority;
  const authenticateCaller = callerAuthenticator(authority);
  return async function logoutAll(ctx: Context): Promise<void> {
    const { user } = await authenticateCaller(ctx);
    await authority.logoutAll(user, ctx);
    clearTokenCookie(ctx, config.cookie);
    clearTokenCookie(ctx, config.impersonation.cookie);
    ctx.status = 204;
    ctx.set('Cache-Control', 'no-store');
  };
}
