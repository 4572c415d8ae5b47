import type { Authority } from '../authority/authority.js';
import { blacklistRoute } from './blacklist.js';
import { impersonateRoute } from './impersonate.js';
import { logoutAllRoute } from './logout-all.js';
import { handle, type RouteInstaller } from './router.js';

/**
 * The RouteInstaller of blacklist, impersonate and logout-all. Logout-all is installed only
 * with `userSecrets: true`; impersonation only when the service has users.
 *
 * @example
 * ```ts
 * createRouter(authority, options, [revocationRoutes(authority)]);
 * ```
 */
export function revocationRoutes(authority: Authority): RouteInstaller {
  return (router, paths) => {
    router.post(paths.blacklist, handle(blacklistRoute(authority, paths)));
    if (authority.config.users) router.post(paths.impersonate, handle(impersonateRoute(authority)));
    if (authority.config.userSecrets === true && authority.userSecrets) router.post(paths.logoutAll, handle(logoutAllRoute(authority)));
  };
}
