import type { Context } from 'koa';
import type { IssueResult, ResolvedConfig } from './config/types.js';
import { AuthEvents } from './events.js';
import { createLogin } from './login/login.js';
import { createThrottle, type Throttle } from './throttle/throttle.js';
import { createStoreFailureEvents, type StoreFailureEvents } from './stores/failure-events.js';
import type { JwtPayload } from './tokens/claims.js';
import { createIssuer, type Issuer } from './tokens/issuer.js';
import { createVerifier, type Verifier } from './tokens/verifier.js';
import type { AuthUser } from './users/provider.js';
import { createPairFlow } from './refresh/pair.js';
import { createRefresh } from './refresh/refresh.js';
import { createRevocation, type Revocation } from './revocation/revocation.js';
import { type Authenticated, createAuthentication } from './authentication.js';
import { createUserSecrets, type UserSecrets } from './keyring/user-secrets.js';
import { createImpersonation, type Impersonate } from './impersonation.js';
import { createLogout, type Logout } from './logout/logout.js';
import { createLogoutAll, type LogoutAll } from './logout/logout-all.js';

export type { Authenticated } from './authentication.js';

/**
 * The token authority: log in, issue, verify (with revocation and the user), refresh. It is
 * what the middleware and the routes call; they only translate between HTTP and it.
 */
export interface Authority {
  readonly config: ResolvedConfig;
  readonly issuer: Issuer;
  readonly verifier: Verifier;
  /** Blacklist check (a verifier post-check) and revoke. */
  readonly revocation: Revocation;
  /** Per-user secrets, when `userSecrets` is on. */
  readonly userSecrets?: UserSecrets;
  /** The audit events (`auth.on`). */
  readonly events: AuthEvents;
  /** Attempt limits, when `throttle` is on. */
  readonly throttle?: Throttle;
  /** Store failures met by requests, as rate-limited `error` events (the HTTP layer reports each 503 here). */
  readonly storeFailures: StoreFailureEvents;
  /** Verifies a token and loads its user, as the middleware does. */
  authenticate(token: string): Promise<Authenticated>;
  /** As `authenticate`, without a promise when nothing had to be awaited; throws instead of rejecting then (the middleware's hot path). */
  authenticateNow(token: string): Authenticated | Promise<Authenticated>;
  /** username + password → tokens (401 invalid_credentials for every kind of failure; 429 throttled past a limit). */
  obtain(username: string, password: string, ctx?: Context): Promise<IssueResult>;
  /** Issues tokens for a user already authenticated by the application. */
  issue(user: AuthUser, extraClaims?: Record<string, unknown>, ctx?: Context): Promise<IssueResult>;
  /** Single-token refresh (drf-jwt): a valid token → a new one of the same family. */
  refresh(token: string, ctx?: Context): Promise<IssueResult>;
  /** The user of a verified payload (provider lookup or the claims), refusing unknown and inactive users. */
  userOf(payload: JwtPayload): Promise<AuthUser>;
  /** Revokes a token (verified first) or a payload with its refresh family: lib/logout/logout.ts. */
  readonly logout: Logout;
  /** Rotates a user's secret: lib/logout/logout-all.ts. */
  readonly logoutAll: LogoutAll;
  /** A superuser obtains a token for another user: lib/impersonation.ts. */
  readonly impersonate: Impersonate;
  close(): Promise<void>;
}

export function createAuthority(config: ResolvedConfig, options: { events?: AuthEvents } = {}): Authority {
  const events = options.events ?? new AuthEvents();
  const throttle = createThrottle({ limits: config.throttle, storeTimeout: config.storeTimeout }, config.store.attempts);
  const userSecrets = createUserSecrets(config);
  const storeFailures = createStoreFailureEvents(events);
  const revocation = createRevocation(config, config.store, { onCacheError: (error) => events.emit('error', { source: 'revocation_cache', error }), onStoreError: storeFailures.report });
  const issuer = createIssuer(config, config.keyring, userSecrets ? { signingKeyOverride: userSecrets.signingKeyOverride } : {});
  // A per-user-secret token stays cached at most blacklist.cacheSeconds: the bound on seeing a rotation made elsewhere.
  const verifier = createVerifier(config.token, config.keyring, { postChecks: [revocation.check], overrideCacheSeconds: config.blacklist.cacheSeconds, ...(userSecrets ? { keyOverride: userSecrets.keyOverride } : {}) });
  // A rotated secret ends that user's cached verifications on this instance at once.
  userSecrets?.onRotate((userId) => verifier.cache?.dropUser(userId));
  const { authenticate, authenticateNow, userOf } = createAuthentication({ userLookup: config.userLookup, storeTimeout: config.storeTimeout }, verifier, config.users);
  // Pair mode (simplejwt): obtain/issue answer { token, refresh }, refresh takes the refresh token.
  const pair = config.refresh.pair
    ? createPairFlow(
      { refresh: config.refresh, token: config.token, storeTimeout: config.storeTimeout },
      { issuer, verifier, store: config.store.refreshTokens, userOf, revocation, events },
    )
    : undefined;

  async function issue(user: AuthUser, extraClaims?: Record<string, unknown>, ctx?: Context): Promise<IssueResult> {
    if (pair) return pair.issue(user, extraClaims, ctx);
    const issued = await issuer.issue(user, { ...(extraClaims ? { extra: extraClaims } : {}), ...(ctx ? { ctx } : {}) });
    return { token: issued.token, payload: issued.payload, user };
  }

  // Throttle, hashing bound, one answer for every failure, events: lib/login/login.ts.
  const obtain = createLogin({ users: config.users, storeTimeout: config.storeTimeout, hashing: config.hashing, events, ...(throttle ? { throttle } : {}), issue: (user, ctx) => issue(user, undefined, ctx) });

  const refresh = createRefresh({ verifier, issuer, userOf, pair, events });

  return {
    config, issuer, verifier, revocation, ...(userSecrets ? { userSecrets } : {}), events, ...(throttle ? { throttle } : {}), storeFailures, authenticate, authenticateNow, obtain, issue, refresh, userOf,
    logout: createLogout(verifier, revocation, events), logoutAll: createLogoutAll(userSecrets, events),
    impersonate: createImpersonation({ pair: Boolean(config.refresh.pair), storeTimeout: config.storeTimeout }, { users: config.users, issuer, events }),
    async close() {
      verifier.cache?.close();
      config.keyring.remote?.close?.();
    },
  };
}
