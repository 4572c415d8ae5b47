import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { type Authenticated, type Authority, createAuthority } from './authority/authority.js';
import { startRotation } from './authority/rotation.js';
import { resolveConfig } from './config/resolve.js';
import type { IssueResult, KoaJwtConfig, ResolvedConfig } from './config/types.js';
import type { Keyring } from './keyring/keyring.js';
import { createAuthMiddleware, type JwtState } from './middleware/authenticate.js';
import { jwksMiddleware } from './routes/jwks.js';
import { revocationRoutes } from './routes/revocation.js';
import { createRouter, type RouterOptions } from './routes/router.js';
import type { JwtPayload } from './tokens/claims.js';
import { rejectLater } from './tokens/refusal.js';
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
  /**
   * Revokes a token (a string, verified first) or a payload, with its whole refresh family;
   * resolves the revoked id. Idempotent.
   */
  blacklist(tokenOrPayload: string | JwtPayload): Promise<string>;
  /** With `userSecrets: true`: every earlier token of `user` stops working at once ("log out everywhere"). */
  rotateUserSecret(user: AuthUser | string | number): Promise<void>;
  /** The keyring: list, add, promote, retire, remove keys at run time. */
  readonly keyring: Keyring;
  /** The resolved, frozen config. */
  readonly config: ResolvedConfig;
  /** The token authority the HTTP layer translates to (for extensions and tests). */
  readonly authority: Authority;
  /** Releases timers, stores and connections this instance opened. */
  close(): Promise<void>;
  /**
   * Resolves when the keyring is loaded: at once, except with managed rotation (`keys.rotation`),
   * where it waits for the first read of the store. Signing waits for it by itself; await it
   * before `listen()` so that verification knows every instance's keys from the first request.
   */
  ready(): Promise<void>;
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

  // Managed rotation: the first sync with the store starts now; signing waits for it.
  const rotation = resolved.keys.rotation ? startRotation(resolved) : undefined;
  const members = {
    optional: () => optional,
    router: (options?: RouterOptions) => createRouter(authority, options, [revocationRoutes(authority)]),
    blacklist: async (tokenOrPayload: string | JwtPayload) => authority.revocation.revoke(typeof tokenOrPayload === 'string'
      ? await authority.verifier.verifySignatureAndClaims(tokenOrPayload)
      : { payload: tokenOrPayload }),
    rotateUserSecret: async (user: AuthUser | string | number) => {
      if (!authority.userSecrets) throw new Error('koa-jwt-auth: rotateUserSecret needs userSecrets: true');
      await authority.userSecrets.rotate(user);
    },
    jwks: (options?: { path?: string }) => jwksMiddleware(resolved, options),
    issue: (user: AuthUser, extraClaims?: Record<string, unknown>) => authority.issue(user, extraClaims),
    verify(token: string) {
      try {
        const authenticated = authority.authenticateNow(token);
        return authenticated instanceof Promise ? authenticated.then((a) => a.verified.payload) : Promise.resolve(authenticated.verified.payload);
      } catch (err) {
        return rejectLater(err);
      }
    },
    authenticate: (token: string) => authority.authenticate(token),
    keyring: resolved.keyring,
    config: resolved,
    authority,
    ready: () => rotation?.ready() ?? Promise.resolve(),
    close: async () => {
      rotation?.close();
      await authority.close();
    },
  };
  const auth: Middleware<JwtState> = (ctx, next) => required(ctx, next);
  return Object.defineProperties(auth, Object.getOwnPropertyDescriptors(members)) as KoaJwt;
}
