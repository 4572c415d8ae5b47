import Router from '@koa/router';
import type { Context } from 'koa';
import type { Authority } from '../authority.js';
import { ConfigError } from '../errors.js';
import { fail } from '../middleware/respond.js';
import { blacklistRoute } from './blacklist.js';
import { impersonateRoute } from './impersonate.js';
import { logoutAllRoute } from './logout-all-route.js';
import { obtainRoute } from './obtain.js';
import { refreshRoute } from './refresh-route.js';
import { verifyRoute } from './verify.js';

/** The token routes, by name. */
export type RouteName = 'obtain' | 'refresh' | 'verify' | 'impersonate' | 'blacklist' | 'logoutAll';

/** What `auth.router(options)` mounts, and where. */
export interface RouterOptions {
  /** The routes to mount (default: every route the config supports). */
  routes?: readonly RouteName[];
  /** A prefix for every path, as @koa/router's own `prefix`. */
  prefix?: string;
  /** Paths relative to where the router is mounted. */
  paths?: Partial<Record<RouteName, string>>;
}

export const DEFAULT_PATHS: Readonly<Record<RouteName, string>> = {
  obtain: '/token',
  refresh: '/token/refresh',
  verify: '/token/verify',
  impersonate: '/token/impersonate',
  blacklist: '/token/blacklist',
  logoutAll: '/token/logout-all',
};

export type RoutePaths = Record<RouteName, string>;
type RouteHandler = (ctx: Context) => Promise<void>;

interface RouteSpec {
  /** Why the config cannot offer it, or undefined when it can. */
  unavailable(authority: Authority): string | undefined;
  make(authority: Authority, paths: RoutePaths): RouteHandler;
}

// All six token routes. Obtain and impersonate stay mounted on a verify-only service: they answer
// 404 not_available there (JSON, as every error of the contract), not the app's own 404.
const ROUTES: Readonly<Record<RouteName, RouteSpec>> = {
  obtain: { unavailable: () => undefined, make: (authority, paths) => obtainRoute(authority, paths) },
  refresh: { unavailable: () => undefined, make: (authority, paths) => refreshRoute(authority, paths.refresh) },
  verify: { unavailable: () => undefined, make: (authority) => verifyRoute(authority) },
  impersonate: { unavailable: () => undefined, make: (authority) => impersonateRoute(authority) },
  blacklist: { unavailable: () => undefined, make: (authority, paths) => blacklistRoute(authority, paths) },
  logoutAll: {
    unavailable: (authority) => (authority.config.userSecrets === true ? undefined : 'logout-all needs userSecrets: true'),
    make: (authority) => logoutAllRoute(authority),
  },
};

const NAMES = Object.keys(ROUTES) as RouteName[];

/** Wraps a route so that every koa-jwt-kit error becomes its HTTP answer (or is thrown, with `errors: 'throw'`). */
function handle(route: RouteHandler, authority: Authority): RouteHandler {
  return async (ctx) => {
    try {
      await route(ctx);
    } catch (err) {
      fail(ctx, err, authority.config, authority.storeFailures);
    }
  };
}

/**
 * The @koa/router Router with the token routes: every route the config supports, or the ones
 * `options.routes` names (naming one the config cannot offer is a ConfigError).
 *
 * @example
 * ```ts
 * router.use('/auth', createRouter(authority, { routes: ['obtain', 'refresh', 'blacklist'] }).routes());
 * ```
 */
export function createRouter(authority: Authority, options: RouterOptions = {}): Router {
  const paths: RoutePaths = { ...DEFAULT_PATHS, ...options.paths };
  const router = new Router(options.prefix ? { prefix: options.prefix } : {});
  const wanted = options.routes;
  if (wanted !== undefined && !Array.isArray(wanted)) throw new ConfigError('router.routes', `expected a list of route names (${NAMES.join(', ')})`);
  for (const name of (wanted ?? NAMES) as readonly RouteName[]) {
    const spec = Object.hasOwn(ROUTES, name) ? ROUTES[name] : undefined;
    if (!spec) throw new ConfigError('router.routes', `unknown route ${JSON.stringify(name)}; expected one of ${NAMES.join(', ')}`);
    const unavailable = spec.unavailable(authority);
    if (unavailable !== undefined) {
      if (wanted) throw new ConfigError('router.routes', `${name}: ${unavailable}`);
      continue;
    }
    router.post(paths[name], handle(spec.make(authority, paths), authority));
  }
  return router;
}
