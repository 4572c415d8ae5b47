import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { type Authenticated, type Authority, createAuthority } from './authority/authority.js';
import { resolveConfig } from './config/resolve.js';
import type { IssueResult, KoaJwtConfig, ResolvedConfig } from './config/types.js';
import type { Keyring } from './keyring/keyring.js';
import { createAuthMiddleware, type JwtState } from './middleware/authenticate.js';
import { jwksMiddleware } from './routes/jwks.js';
import { createRouter, type RouterOptions } from './routes/router.js';
import type { JwtPayload } from './tokens/claims.js';
import type { AuthUser } from './users/provider.js';

/**
 * A koaJwt instance: itself the required-authentication middleware, with the rest of the
 * library as members.
 */
export interface KoaJwt extends Middleware<JwtState> {
  /** Authenticates when a token is present, anonymous otherwise; a present but bad token is still 401. */
  optional(): Middleware<JwtState>;
  /** A @koa/router Router with the token routes (obtain, refresh, verify, …). */
  router(options?: RouterOptions): Router;
  /** Serves `GET /.well-known/jwks.json`. */
  jwks(options?: { path?: string }): Middleware;
  /** Mints tokens as obtain would, for a user the application already authenticated. */
  issue(user: AuthUser, extraClaims?: Record<string, unknown>): Promise<IssueResult>;
  /** Verifies as the middleware does; resolves the payload or rejects with a typed error. */
  verify(token: string): Promise<JwtPayload>;
  /** Verifies and loads the user, as the middleware does. */
  authenticate(token: string): Promise<Authenticated>;
  /** The keyring: list, add, promote, retire, remove keys at run time. */
  readonly keyring: Keyring;
  /** The resolved, frozen config. */
  readonly config: ResolvedConfig;
  /** The token authority the HTTP layer translates to (for extensions and tests). */
  readonly authority: Authority;
  /** Releases timers, stores and connections this instance opened. */
  close(): Promise<void>;
}

/**
 * Builds everything once from a declarative config, validated at start-up.
 *
 * @example
 * ```ts
 * const auth = koaJwt({ keys: { secret: process.env.JWT_SECRET }, users: memoryUsers([...]) });
 * router.use('/auth', auth.router().routes());
 * app.use(auth.jwks());
 * app.use(auth); // every later middleware sees ctx.state.user
 * ```
 */
export function koaJwt(config: KoaJwtConfig): KoaJwt {
  const resolved = resolveConfig(config);
  const authority = createAuthority(resolved);
  const required = createAuthMiddleware(authority, { required: true });
  const optional = createAuthMiddleware(authority, { required: false });

  const members = {
    optional: () => optional,
    router: (options?: RouterOptions) => createRouter(authority, options),
    jwks: (options?: { path?: string }) => jwksMiddleware(resolved, options),
    issue: (user: AuthUser, extraClaims?: Record<string, unknown>) => authority.issue(user, extraClaims),
    verify: async (token: string) => (await authority.authenticate(token)).verified.payload,
    authenticate: (token: string) => authority.authenticate(token),
    keyring: resolved.keyring,
    config: resolved,
    authority,
    close: () => authority.close(),
  };
  const auth: Middleware<JwtState> = (ctx, next) => required(ctx, next);
  return Object.defineProperties(auth, Object.getOwnPropertyDescriptors(members)) as KoaJwt;
}
