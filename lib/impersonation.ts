import type { Context } from 'koa';
import type { IssueResult } from './config/types.js';
import { AccountDisabledError, ForbiddenError, NotAvailableError, UserNotFoundError } from './errors.js';
import type { Authenticated } from './authentication.js';
import type { AuthEvents } from './events.js';
import type { Issuer } from './tokens/issuer.js';
import { type AuthUser, isActive, isSuperuser, type UserProvider } from './users/provider.js';
import { callUsers } from './users/call-users.js';
import { clientOf, tokenIds } from './event-fields.js';

/**
 * A superuser obtains a token for another user (drf-jwt's impersonation). The token carries
 * `act: { sub: <superuser id> }` (RFC 8693 §4.1) and `orig_exp`, so refreshing it never
 * extends the impersonation past the first token's lifetime.
 *
 * Refused: a caller who is not a superuser (403), a caller already impersonating (403: no
 * chains of actors), a superuser as target (403: no stepping into another admin's rights),
 * an unknown target (400 user_not_found) and an inactive one (400 account_disabled).
 *
 * @example
 * ```ts
 * const impersonate = createImpersonation({ pair: false, storeTimeout: 2000 }, { users, issuer, events });
 * const { token: asAlice } = await impersonate(await authentication.authenticate(token), '1');
 * ```
 */
export type Impersonate = (caller: Authenticated, targetId: string, ctx?: Context) => Promise<IssueResult>;

/** The resolved options impersonation runs with: whether pair mode is on, the store deadline in ms. */
export interface ImpersonationOptions {
  readonly pair: boolean;
  readonly storeTimeout: number;
}

export interface ImpersonationCollaborators {
  /** The users provider; without one (a verify-only service) impersonation is 404 not_available. */
  readonly users: UserProvider | undefined;
  readonly issuer: Issuer;
  /** Tells `impersonate`. */
  readonly events: AuthEvents;
}

export function createImpersonation(options: ImpersonationOptions, collaborators: ImpersonationCollaborators): Impersonate {
  const { pair, storeTimeout } = options;
  const { users, issuer, events } = collaborators;
  return async (caller, targetId, ctx) => {
    if (!users) throw new NotAvailableError('This service only verifies tokens: it has no users to impersonate.');
    if (caller.verified.payload.act !== undefined) throw new ForbiddenError('An impersonation token cannot impersonate again.');
    if (!isSuperuser(caller.user)) throw new ForbiddenError('Only a superuser may impersonate another user.');
    const target: AuthUser | undefined = await callUsers(storeTimeout, () => users.findById(targetId), 'findById');
    if (!target) throw new UserNotFoundError('No user has this id.', { inRequest: true });
    if (!isActive(target)) throw new AccountDisabledError('This user account is disabled.', { inRequest: true });
    if (isSuperuser(target)) throw new ForbiddenError('A superuser cannot be impersonated.');
    // In pair mode it is an access token (no refresh token: an impersonation is not prolonged).
    const issued = await issuer.issue(target, {
      actor: String(caller.user.id),
      ...(pair ? { tokenType: 'access' as const } : {}),
      ...(ctx ? { ctx } : {}),
    });
    events.emit('impersonate', {
      ...clientOf(ctx), userId: String(target.id), username: target.username, ...tokenIds(issued.payload),
      actor: { userId: String(caller.user.id), username: caller.user.username },
    });
    return { token: issued.token, payload: issued.payload, user: target };
  };
}
