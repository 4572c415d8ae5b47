import type { Context } from 'koa';
import type { IssueResult, ResolvedConfig } from './config/types.js';
import { AccountDisabledError, InvalidCredentialsError, NotAvailableError, StoreUnavailableError, UserNotFoundError } from './errors.js';
import { withStoreTimeout } from './stores/timeout.js';
import type { JwtPayload } from './tokens/claims.js';
import { createIssuer, type Issuer, userIdOf } from './tokens/issuer.js';
import { createVerifier, type Verifier, type VerifiedToken } from './tokens/verifier.js';
import { type AuthUser, isActive } from './users/provider.js';
import { assertAccessToken } from './tokens/token-type.js';
import { createPairFlow } from './refresh/pair.js';
import { createRevocation, type Revocation } from './revocation/revocation.js';
import { createUserSecrets, type UserSecrets } from './keyring/user-secrets.js';

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
  /** Verifies a token and loads its user, as the middleware does. */
  authenticate(token: string): Promise<Authenticated>;
  /** username + password → tokens (401 invalid_credentials for every kind of failure). */
  obtain(username: string, password: string, ctx?: Context): Promise<IssueResult>;
  /** Issues tokens for a user already authenticated by the application. */
  issue(user: AuthUser, extraClaims?: Record<string, unknown>, ctx?: Context): Promise<IssueResult>;
  /** Single-token refresh (drf-jwt): a valid token → a new one of the same family. */
  refresh(token: string, ctx?: Context): Promise<IssueResult>;
  /** The user of a verified payload (provider lookup or the claims), refusing unknown and inactive users. */
  userOf(payload: JwtPayload): Promise<AuthUser>;
  close(): Promise<void>;
}

/** Calls an application callback that reads users; a failure is a 503, not a 500. */
export async function callUsers<T>(config: ResolvedConfig, call: () => Promise<T>): Promise<T> {
  try {
    return await withStoreTimeout(config.storeTimeout, call);
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw new StoreUnavailableError('The user store is unavailable; try again shortly.', { cause: err.cause ?? err });
    throw err;
  }
}

export function createAuthority(config: ResolvedConfig): Authority {
  const userSecrets = createUserSecrets(config);
  const revocation = createRevocation(config);
  const issuer = createIssuer(config, userSecrets ? { signingKeyOverride: userSecrets.signingKeyOverride } : {});
  // A per-user-secret token stays cached at most blacklist.cacheSeconds: the bound on seeing a rotation made elsewhere.
  const verifier = createVerifier(config, { postChecks: [revocation.check], overrideCacheSeconds: config.blacklist.cacheSeconds, ...(userSecrets ? { keyOverride: userSecrets.keyOverride } : {}) });
  // A rotated secret ends that user's cached verifications on this instance at once.
  userSecrets?.onRotate((userId) => verifier.cache?.dropUser(userId));
  const users = config.users;
  // Pair mode (simplejwt): obtain/issue answer { token, refresh }, refresh takes the refresh token.
  const pair = config.refresh.pair
    ? createPairFlow({ config, issuer, verifier, userOf, onFamilyRevoked: (payload) => revocation.revoke({ payload }) })
    : undefined;

  async function userOf(payload: JwtPayload): Promise<AuthUser> {
    const id = userIdOf(payload);
    if (config.userLookup === 'token' || !users) {
      if (id === undefined && payload.username === undefined) throw new UserNotFoundError('The token names no user.');
      // simplejwt's TokenUser: the claims stand for the user, no lookup is made.
      return Object.freeze({ id: id ?? String(payload.username), username: String(payload.username ?? id) });
    }
    // Without user_id (token.includeUserId: false) the username names the user, as in drf-jwt.
    const username = typeof payload.username === 'string' ? payload.username : undefined;
    if (id === undefined && username === undefined) throw new UserNotFoundError('The token names no user (user_id).');
    const user = await callUsers(config, () => (id !== undefined ? users.findById(id) : users.findByUsername(username!)));
    if (!user) throw new UserNotFoundError();
    if (!isActive(user)) throw new AccountDisabledError();
    return user;
  }

  // The hot path of every request: plain promise chaining, no async wrapper (bench/: each hop is a microtask).
  function authenticate(token: string): Promise<Authenticated> {
    return verifier.verify(token).then((verified) => {
      assertAccessToken(verified.payload);
      return userOf(verified.payload).then((user) => ({ user, verified }));
    });
  }

  function result(token: string, payload: JwtPayload, user: AuthUser): IssueResult {
    return { token, payload, user };
  }

  async function issue(user: AuthUser, extraClaims?: Record<string, unknown>, ctx?: Context): Promise<IssueResult> {
    if (pair) return pair.issue(user, extraClaims, ctx);
    const issued = await issuer.issue(user, { ...(extraClaims ? { extra: extraClaims } : {}), ...(ctx ? { ctx } : {}) });
    return result(issued.token, issued.payload, user);
  }

  async function obtain(username: string, password: string, ctx?: Context): Promise<IssueResult> {
    if (!users) throw new NotAvailableError('This service only verifies tokens: it has no users to log in.');
    const user = await callUsers(config, () => users.authenticate(username, password, ctx));
    // One answer for a wrong password, an unknown user and an inactive user.
    if (!user || !isActive(user)) throw new InvalidCredentialsError();
    return issue(user, undefined, ctx);
  }

  async function refresh(token: string, ctx?: Context): Promise<IssueResult> {
    if (pair) return pair.refresh(token, ctx);
    const verified = await verifier.verify(token);
    assertAccessToken(verified.payload);
    const user = await userOf(verified.payload);
    const issued = await issuer.refresh(verified.payload, verified.token);
    return result(issued.token, issued.payload, user);
  }

  return {
    config, issuer, verifier, revocation, ...(userSecrets ? { userSecrets } : {}), authenticate, obtain, issue, refresh, userOf,
    async close() {
      config.keyring.remote?.close?.();
    },
  };
}
