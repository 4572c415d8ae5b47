import type { Context } from 'koa';
import { ConfigError } from '../errors.js';
import { clientOf } from '../event-fields.js';
import type { AuthEvents } from '../events.js';
import type { UserSecrets } from '../keyring/user-secrets.js';
import type { AuthUser } from '../users/provider.js';

/**
 * Log out everywhere: rotates the user's secret (`userSecrets: true`), so every token of that
 * user, on every device and every instance, stops verifying, and tells the `logout_all` event.
 * `POST /token/logout-all` and `auth.rotateUserSecret` are this.
 */
export type LogoutAll = (user: AuthUser | string | number, ctx?: Context) => Promise<void>;

export function createLogoutAll(userSecrets: UserSecrets | undefined, events: AuthEvents): LogoutAll {
  return async (user, ctx) => {
    if (!userSecrets) throw new ConfigError('userSecrets', 'rotateUserSecret needs userSecrets: true');
    await userSecrets.rotate(user);
    const named = typeof user === 'object' ? { userId: String(user.id), username: user.username } : { userId: String(user) };
    events.emit('logout_all', { ...clientOf(ctx), ...named });
  };
}
