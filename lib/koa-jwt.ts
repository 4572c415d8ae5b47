import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { createAuthority } from './authority.js';
import { startRotation } from './keyring/managed-rotation.js';
import { resolveConfig } from './config/resolve.js';
import { assertUsersToIssue, buildRuntime } from './runtime.js';
import type { IssueResult, KoaJwtConfig } from './config/types.js';
import { type KeyringAdmin, keyringAdmin } from './keyring/keyring-admin.js';
import { registerInternals } from './internals.js';
import { createAuthMiddleware, type JwtState } from './middleware/authenticate.js';
import type { JwsHeader } from './tokens/jws.js';
import { jwksMiddleware } from './routes/jwks-route.js';
import { createRouter, type RouterOptions } from './routes/router.js';
import { warnMemoryStoreInProduction } from './stores/production-warning.js';
import type { JwtPayload } from './tokens/claims.js';
import { rejectLater } from './tokens/refusal.js';
import type { AuthUser } from './users/provider.js';
import { type AuthEventListener, type AuthEventName, AuthEvents } from './events.js';

/** What `auth.authenticate` resolves: the user and the token, as the middleware sets `ctx.state.user` and `ctx.state.jwt`. */
export interface Authentication {
  readonly user: AuthUser;
  readonly jwt: { readonly token: string; readonly header: JwsHeader; readonly payload: JwtPayload };
}

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
  /** Verifies and loads the user, as the middleware does: what it would put on `ctx.state`. */
  authenticate(token: string): Promise<Authentication>;
  /**
   * Revokes a token (a string, verified first) or a payload, with its whole refresh family;
   * resolves the revoked id. Idempotent.
   */
  blacklist(tokenOrPayload: string | JwtPayload): Promise<string>;
  /** With `userSecrets: true`: every earlier token of `user` stops working at once ("log out everywhere"). */
  rotateUserSecret(user: AuthUser | string | number): Promise<void>;
  /** The keyring: list, add, promote, retire, remove keys at run time. */
  readonly keyring: KeyringAdmin;
  /**
   * Listens to an audit event: `login`, `login_failed`, `throttled`, `refresh`, `reuse_detected`,
   * `logout`, `logout_all`, `impersonate`, `key_change`, and `error` for background failures
   * (docs/login-protection.md lists their fields). Events never carry a token, a secret or a
   * password. An `error` nobody listens to is written once with console.warn.
   */
  on<E extends AuthEventName>(event: E, listener: AuthEventListener<E>): KoaJwt;
  once<E extends AuthEventName>(event: E, listener: AuthEventListener<E>): KoaJwt;
  off<E extends AuthEventName>(event: E, listener: AuthEventListener<E>): KoaJwt;
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
  const events = new AuthEvents();
  const resolved = buildRuntime(resolveConfig(config), {
    onRemoteKeyError: (error, detail) => events.emit('error', { source: 'jwks', error, ...(detail ? { kid: detail.kid } : {}) }),
  });
  assertUsersToIssue(resolved);
  warnMemoryStoreInProduction(resolved);
  const authority = createAuthority(resolved, { events });
  const required = createAuthMiddleware(authority, { required: true });
  const optional = createAuthMiddleware(authority, { required: false });

  // Managed rotation: the first sync with the store starts now; signing waits for it.
  const rotation = resolved.keys.rotation ? startRotation(resolved, {
    onError: (error, detail) => events.emit('error', { source: detail ? 'stored_key' : 'rotation', error, ...(detail ? { kid: detail.kid } : {}) }),
  }) : undefined;
  const stopKeyEvents = resolved.keyring.onChange((change) => events.emit('key_change', { change: change.type, kid: change.kid }));
  const members = {
    optional: () => optional,
    router: (options?: RouterOptions) => createRouter(authority, options),
    blacklist: (tokenOrPayload: string | JwtPayload) => authority.logout(tokenOrPayload).then((done) => done.tokenId),
    rotateUserSecret: (user: AuthUser | string | number) => authority.logoutAll(user),
    on: <E extends AuthEventName>(event: E, listener: AuthEventListener<E>) => { events.on(event, listener); return auth as KoaJwt; },
    once: <E extends AuthEventName>(event: E, listener: AuthEventListener<E>) => { events.once(event, listener); return auth as KoaJwt; },
    off: <E extends AuthEventName>(event: E, listener: AuthEventListener<E>) => { events.off(event, listener); return auth as KoaJwt; },
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
    // Copied out: the verified token also holds the key that verified it.
    authenticate: (token: string) => authority.authenticate(token).then(({ user, verified }): Authentication => ({
      user, jwt: { token: verified.token, header: verified.header, payload: verified.payload },
    })),
    keyring: keyringAdmin(resolved.keyring),
    ready: () => rotation?.ready() ?? Promise.resolve(),
    close: async () => {
      rotation?.close();
      stopKeyEvents();
      await authority.close();
    },
  };
  const auth: Middleware<JwtState> = (ctx, next) => required(ctx, next);
  registerInternals(auth, { authority, config: resolved, keyring: resolved.keyring });
  return Object.defineProperties(auth, Object.getOwnPropertyDescriptors(members)) as KoaJwt;
}
