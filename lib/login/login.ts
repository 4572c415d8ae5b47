import type { Context } from 'koa';
import type { IssueResult, ResolvedConfig } from '../config/types.js';
import { InvalidCredentialsError, NotAvailableError, StoreUnavailableError, ThrottledError } from '../errors.js';
import type { AuthEvents, LoginFailedReason } from '../events.js';
import type { Throttle } from '../throttle/throttle.js';
import { tokenIds } from '../event-fields.js';
import { HashingGate } from '../users/hashing-gate.js';
import { dummyHash, hashPassword } from '../users/password.js';
import { callUsers } from '../users/call-users.js';
import { type AuthUser, isActive, type UserProvider } from '../users/provider.js';
import { checkPassword } from './password-check.js';

export interface LoginDeps {
  /** The users provider; without one (a verify-only service) every login is 404 not_available. */
  readonly users: UserProvider | undefined;
  /** The deadline of a store or users provider call, in ms. */
  readonly storeTimeout: number;
  /** The bound on password hashes at once (docs/login-protection.md). */
  readonly hashing: ResolvedConfig['hashing'];
  readonly events: AuthEvents;
  readonly throttle?: Throttle;
  /** Mints the tokens of a user who logged in (the authority's issue). */
  readonly issue: (user: AuthUser, ctx?: Context) => Promise<IssueResult>;
}

/** username + password → tokens. */
export type Login = (username: string, password: string, ctx?: Context) => Promise<IssueResult>;

/**
 * The login flow, in this order: the throttle counts the attempt and refuses past a limit
 * (429, before any password is hashed); the users provider checks the password inside the
 * hashing bound (429 when it is full) and the store deadline; a wrong password, an unknown
 * user and an inactive user get one answer (401) and one `login_failed` event with the reason;
 * a success resets the username's count, upgrades an outdated hash
 * (`UserProvider.updatePasswordHash`), issues, and emits `login`.
 *
 * @example
 * ```ts
 * const login = createLogin({ users, storeTimeout: 1000, hashing: config.hashing, events, throttle, issue: (user, ctx) => authority.issue(user, undefined, ctx) });
 * const { token } = await login('alice', 'alice-password', ctx);
 * ```
 */
export function createLogin(deps: LoginDeps): Login {
  const { users, storeTimeout, hashing, events, throttle, issue } = deps;
  const gate = new HashingGate({ concurrency: hashing.concurrency, queue: hashing.queue, maxWaitMs: hashing.maxWait * 1000 });
  // Made now, so that the first unknown username does not pay for it inside its store deadline.
  if (users) dummyHash().catch(() => undefined);

  function refused(err: ThrottledError, fields: { ip: string | undefined; username: string; limit: 'username' | 'address' | 'hashing' }): ThrottledError {
    events.emit('throttled', { ...ip(fields.ip), username: fields.username, route: 'obtain', limit: fields.limit, retryAfter: err.retryAfter });
    return err;
  }

  /** Why a login failed, for the event only: one more lookup, made only when someone listens. */
  async function reasonOf(username: string, user: AuthUser | undefined): Promise<{ reason?: LoginFailedReason; userId?: string }> {
    if (user) return { reason: 'inactive', userId: String(user.id) };
    const found = await callUsers(storeTimeout, () => users!.findByUsername(username), 'findByUsername').catch(() => null);
    if (found === null) return {};
    return found ? { reason: 'wrong_password', userId: String(found.id) } : { reason: 'unknown_user' };
  }

  /** Stores a fresh hash in place of an outdated one; a failure costs the user nothing (the login stands). */
  async function upgrade(user: AuthUser, password: string, ctx: Context | undefined): Promise<void> {
    try {
      const hash = await checkPassword(gate, storeTimeout, ctx, () => hashPassword(password));
      await callUsers(storeTimeout, () => users!.updatePasswordHash!(user, hash.value), 'updatePasswordHash');
    } catch (err) {
      events.emit('error', { source: 'password_upgrade', error: err, userId: String(user.id), username: user.username });
    }
  }

  return async function login(username, password, ctx) {
    if (!users) throw new NotAvailableError('This service only verifies tokens: it has no users to log in.');
    const address = ctx?.ip;
    // A full bound refuses before anything else is done: under a flood, refusals are most of the
    // work, and each one costs the event loop time a protected request then waits for (bench:login).
    if (gate.full) throw refused(busy(), { ip: address, username, limit: 'hashing' });
    const refusal = throttle ? await throttle.admitLogin(username, address) : undefined;
    if (refusal) {
      throw refused(new ThrottledError('Too many failed logins; try again later.', { retryAfter: refusal.retryAfter }), { ip: address, username, limit: refusal.limit });
    }
    let checked;
    try {
      checked = await checkPassword(gate, storeTimeout, ctx, () => users.authenticate(username, password, ctx), { part: 'users', operation: 'authenticate' });
    } catch (err) {
      // No verdict on the password was given (429 or 503): this was no failed login, and must
      // not count towards a lockout (a users store that failed for a while locked out everyone
      // who tried to log in meanwhile). Not awaited: when the users provider and the counters
      // share a database that is down, the 503 must not wait a second store.timeout for the undo.
      if (err instanceof ThrottledError || err instanceof StoreUnavailableError) void throttle?.loginNotChecked(username, address).catch(() => undefined);
      if (err instanceof ThrottledError) throw refused(err, { ip: address, username, limit: 'hashing' });
      throw err;
    }
    const user = checked.value;
    if (!user || !isActive(user)) {
      // Not awaited: the answer must not wait for the reason's lookup, or its timing would tell
      // an inactive user's right password (no lookup) from a wrong one.
      if (events.has('login_failed')) void reasonOf(username, user).then((reason) => events.emit('login_failed', { ...ip(address), username, ...reason }));
      // One answer for a wrong password, an unknown user and an inactive user.
      throw new InvalidCredentialsError();
    }
    if (checked.outdated && users.updatePasswordHash) await upgrade(user, password, ctx);
    if (throttle) {
      await throttle.loginSucceeded(username, address).catch((err: unknown) => {
        // The login stands: a count that was not reset only makes a later lockout come sooner.
        events.emit('error', { source: 'throttle', error: err, userId: String(user.id), username: user.username });
      });
    }
    const result = await issue(user, ctx);
    events.emit('login', { ...ip(address), userId: String(user.id), username: user.username, ...tokenIds(result.payload) });
    return result;
  };
}

const ip = (address: string | undefined) => (address !== undefined ? { ip: address } : {});

const busy = () => new ThrottledError('Too many logins are being checked right now; try again in a moment.', { retryAfter: 1 });
