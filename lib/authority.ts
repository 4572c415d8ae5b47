import type { Context } from 'koa';
import type { IssueResult, ResolvedConfig } from './config/types.js';
import { AccountDisabledError, type StoreCall, StoreUnavailableError, UserNotFoundError } from './errors.js';
import { AuthEvents } from './events.js';
import { clientOf, tokenIds } from './event-fields.js';
import { createLogin } from './login/login.js';
import { createThrottle, type Throttle } from './throttle/throttle.js';
import { createStoreFailureEvents, type StoreFailureEvents } from './stores/failure-events.js';
import { withStoreTimeout } from './stores/timeout.js';
import type { JwtPayload } from './tokens/claims.js';
import { createIssuer, type Issuer, userIdOf } from './tokens/issuer.js';
import { createVerifier, type Verifier, type VerifiedToken } from './tokens/verifier.js';
import { lookupNow, looksUpNow } from './users/lookup-now.js';
import { type AuthUser, isActive } from './users/provider.js';
import { rejectLater } from './tokens/refusal.js';
import { assertAccessToken } from './tokens/token-type.js';
import { createPairFlow } from './refresh/pair.js';
import { createRevocation, type Revocation } from './revocation/revocation.js';
import { createUserSecrets, type UserSecrets } from './keyring/user-secrets.js';
import { createLogout, type Logout } from './logout/logout.js';
import { createLogoutAll, type LogoutAll } from './logout/logout-all.js';

/** What authentication yields: the user and the verified token. */
export interface Authenticated {
  readonly user: AuthUser;
  readonly verified: VerifiedToken;
}

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
  close(): Promise<void>;
}

/** Calls an application callback that reads users (`operation`: the UserProvider method); a failure is a 503, not a 500. */
export async function callUsers<T>(config: ResolvedConfig, call: () => Promise<T>, operation = 'findById'): Promise<T> {
  const storeCall: StoreCall = { part: 'users', operation };
  try {
    return await withStoreTimeout(config.storeTimeout, call, storeCall);
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw new StoreUnavailableError('The user store is unavailable; try again shortly.', { cause: err.cause ?? err, storeCall });
    throw err;
  }
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
  const users = config.users;
  // Pair mode (simplejwt): obtain/issue answer { token, refresh }, refresh takes the refresh token.
  const pair = config.refresh.pair
    ? createPairFlow(
      { refresh: config.refresh, token: config.token, storeTimeout: config.storeTimeout },
      { issuer, verifier, store: config.store.refreshTokens, userOf, revocation, events },
    )
    : undefined;

  const acceptUser = (user: AuthUser | undefined): AuthUser => {
    if (!user) throw new UserNotFoundError();
    if (!isActive(user)) throw new AccountDisabledError();
    return user;
  };

  /** The user of a payload: synchronous for claims and in-memory providers, a Promise when a provider must be asked. */
  function userOfNow(payload: JwtPayload): AuthUser | Promise<AuthUser> {
    const id = userIdOf(payload);
    if (config.userLookup === 'token' || !users) {
      if (id === undefined && payload.username === undefined) throw new UserNotFoundError('The token names no user.');
      // simplejwt's TokenUser: the claims stand for the user, no lookup is made. A token without a
      // username claim (simplejwt's own) gives a user without one: an id is not a username.
      return Object.freeze({ id: id ?? String(payload.username), ...(payload.username !== undefined ? { username: String(payload.username) } : {}) });
    }
    // Without user_id (token.includeUserId: false) the username names the user, as in drf-jwt.
    const username = typeof payload.username === 'string' ? payload.username : undefined;
    if (id === undefined && username === undefined) throw new UserNotFoundError('The token names no user (user_id).');
    if (looksUpNow(users)) return acceptUser(users[lookupNow](id, username));
    return callUsers(config, () => (id !== undefined ? users.findById(id) : users.findByUsername(username!)), id !== undefined ? 'findById' : 'findByUsername').then(acceptUser);
  }

  function userOf(payload: JwtPayload): Promise<AuthUser> {
    try {
      return Promise.resolve(userOfNow(payload));
    } catch (err) {
      return rejectLater(err);
    }
  }

  const withUser = (verified: VerifiedToken): Authenticated | Promise<Authenticated> => {
    assertAccessToken(verified.payload);
    const user = userOfNow(verified.payload);
    return user instanceof Promise ? user.then((u) => ({ user: u, verified })) : { user, verified };
  };

  // The hot path of every request: no promise at all when the key, the revocation check and the
  // user are all at hand (bench/: each promise hop is a microtask, ~0.1-0.2 µs).
  function authenticateNow(token: string): Authenticated | Promise<Authenticated> {
    const verified = verifier.verifyNow(token);
    return verified instanceof Promise ? verified.then(withUser) : withUser(verified);
  }

  function authenticate(token: string): Promise<Authenticated> {
    try {
      return Promise.resolve(authenticateNow(token));
    } catch (err) {
      return rejectLater(err);
    }
  }

  function result(token: string, payload: JwtPayload, user: AuthUser): IssueResult {
    return { token, payload, user };
  }

  async function issue(user: AuthUser, extraClaims?: Record<string, unknown>, ctx?: Context): Promise<IssueResult> {
    if (pair) return pair.issue(user, extraClaims, ctx);
    const issued = await issuer.issue(user, { ...(extraClaims ? { extra: extraClaims } : {}), ...(ctx ? { ctx } : {}) });
    return result(issued.token, issued.payload, user);
  }

  // Throttle, hashing bound, one answer for every failure, events: lib/login/login.ts.
  const obtain = createLogin({ users: config.users, storeTimeout: config.storeTimeout, hashing: config.hashing, events, ...(throttle ? { throttle } : {}), issue: (user, ctx) => issue(user, undefined, ctx) });

  async function refresh(token: string, ctx?: Context): Promise<IssueResult> {
    let refreshed: IssueResult;
    let previousJti: string | undefined;
    if (pair) {
      refreshed = await pair.refresh(token, ctx);
    } else {
      const verified = await verifier.verify(token);
      assertAccessToken(verified.payload);
      const user = await userOf(verified.payload);
      const issued = await issuer.refresh(verified.payload, verified.token);
      previousJti = typeof verified.payload.jti === 'string' ? verified.payload.jti : undefined;
      refreshed = result(issued.token, issued.payload, user);
    }
    events.emit('refresh', {
      ...clientOf(ctx), userId: String(refreshed.user.id), username: refreshed.user.username, ...tokenIds(refreshed.payload),
      ...(previousJti !== undefined ? { previousJti } : {}),
    });
    return refreshed;
  }

  return {
    config, issuer, verifier, revocation, ...(userSecrets ? { userSecrets } : {}), events, ...(throttle ? { throttle } : {}), storeFailures, authenticate, authenticateNow, obtain, issue, refresh, userOf,
    logout: createLogout(verifier, revocation, events), logoutAll: createLogoutAll(userSecrets, events),
    async close() {
      verifier.cache?.close();
      config.keyring.remote?.close?.();
    },
  };
}
