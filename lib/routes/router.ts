import Router from '@koa/router';
import type { Context } from 'koa';
import type { Authority } from '../authority.js';
import { respondWithError } from '../middleware/respond.js';
import { obtainRoute } from './obtain.js';
import { refreshRoute } from './refresh.js';
import { verifyRoute } from './verify.js';

/** Paths of the token routes, relative to where the router is mounted. */
export interface RouterOptions {
  prefix?: string;
  paths?: Partial<Record<'obtain' | 'refresh' | 'verify' | 'impersonate' | 'blacklist' | 'logoutAll', string>>;
}

export const DEFAULT_PATHS = {
  obtain: '/token',
  refresh: '/token/refresh',
  verify: '/token/verify',
  impersonate: '/token/impersonate',
  blacklist: '/token/blacklist',
  logoutAll: '/token/logout-all',
} as const;

export type RouteHandler = (ctx: Context) => Promise<void>;

/** Wraps a route so that every koa-jwt-kit error becomes its HTTP answer. */
export function handle(route: RouteHandler): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    try {
      await route(ctx);
    } catch (err) {
      respondWithError(ctx, err);
    }
  };
}

/** Extra routes other modules add to the router (revocation, impersonation, …). */
export type RoutePaths = Record<keyof typeof DEFAULT_PATHS, string>;
export type RouteInstaller = (router: Router, paths: RoutePaths) => void;

/** The @koa/router Router with the token routes. */
export function createRouter(authority: Authority, options: RouterOptions = {}, installers: readonly RouteInstaller[] = []): Router {
  const paths: RoutePaths = { ...DEFAULT_PATHS, ...options.paths };
  const router = new Router(options.prefix ? { prefix: options.prefix } : {});
  router.post(paths.obtain, handle(obtainRoute(authority, paths)));
  router.post(paths.refresh, handle(refreshRoute(authority, paths.refresh)));
  router.post(paths.verify, handle(verifyRoute(authority)));
  for (const install of installers) install(router, paths);
  return router;
}
