import type { ResolvedConfig } from './config/types.js';
import { AccountDisabledError, UserNotFoundError } from './errors.js';
import type { JwtPayload } from './tokens/claims.js';
import { userIdOf } from './tokens/claims.js';
import { rejectLater } from './tokens/refusal.js';
import { assertAccessToken } from './tokens/token-type.js';
import type { Verifier, VerifiedToken } from './tokens/verifier.js';
import { callUsers } from './users/call-users.js';
import { lookupNow, looksUpNow } from './users/lookup-now.js';
import { type AuthUser, isActive, type UserProvider } from './users/provider.js';

/** What authentication yields: the user and the verified token. */
export interface Authenticated {
  readonly user: AuthUser;
  readonly verified: VerifiedToken;
}

/** The resolved options authentication runs with: where the user comes from, the store deadline in ms. */
export interface AuthenticationOptions {
  readonly userLookup: ResolvedConfig['userLookup'];
  readonly storeTimeout: number;
}

export interface Authentication {
  /** Verifies an access token and loads its user, as the middleware does. */
  authenticate(token: string): Promise<Authenticated>;
  /** As `authenticate`, without a promise when nothing had to be awaited; throws instead of rejecting then (the middleware's hot path). */
  authenticateNow(token: string): Authenticated | Promise<Authenticated>;
  /** The user of a verified payload (provider lookup or the claims), refusing unknown and inactive users. */
  userOf(payload: JwtPayload): Promise<AuthUser>;
}

const acceptUser = (user: AuthUser | undefined): AuthUser => {
  if (!user) throw new UserNotFoundError();
  if (!isActive(user)) throw new AccountDisabledError();
  return user;
};

/**
 * Authentication: an access token → its user. The user is looked up in the provider on every
 * request (`userLookup: 'provider'`, so a deleted or disabled user is refused at once), or made
 * from the claims (`'token'`, simplejwt's TokenUser; a verify-only service has no provider).
 */
export function createAuthentication(options: AuthenticationOptions, verifier: Verifier, users: UserProvider | undefined): Authentication {
  const { userLookup, storeTimeout } = options;

  /** The user of a payload: synchronous for claims and in-memory providers, a Promise when a provider must be asked. */
  function userOfNow(payload: JwtPayload): AuthUser | Promise<AuthUser> {
    const id = userIdOf(payload);
    if (userLookup === 'token' || !users) {
      if (id === undefined && payload.username === undefined) throw new UserNotFoundError('The token names no user.');
      // simplejwt's TokenUser: the claims stand for the user, no lookup is made. A token without a
      // username claim (simplejwt's own) gives a user without one: an id is not a username.
      return Object.freeze({ id: id ?? String(payload.username), ...(payload.username !== undefined ? { username: String(payload.username) } : {}) });
    }
    // Without user_id (token.includeUserId: false) the username names the user, as in drf-jwt.
    const username = typeof payload.username === 'string' ? payload.username : undefined;
    if (id === undefined && username === undefined) throw new UserNotFoundError('The token names no user (user_id).');
    if (looksUpNow(users)) return acceptUser(users[lookupNow](id, username));
    return callUsers(storeTimeout, () => (id !== undefined ? users.findById(id) : users.findByUsername(username!)), id !== undefined ? 'findById' : 'findByUsername').then(acceptUser);
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

  return { authenticate, authenticateNow, userOf };
}
