import type { Middleware } from 'koa';
import type { Authority } from '../authority.js';
import { CredentialsRequiredError } from '../errors.js';
import type { JwsHeader } from '../tokens/jws.js';
import type { JwtPayload } from '../tokens/claims.js';
import type { AuthUser } from '../users/provider.js';
import { createExtractor, type TokenSource } from './extract.js';
import { fail } from './respond.js';

/** What the middleware puts on `ctx.state`: `ctx.state.user` and `ctx.state.jwt`. */
export interface JwtState<U extends AuthUser = AuthUser> {
  user?: U;
  jwt?: {
    token: string;
    header: JwsHeader;
    payload: JwtPayload;
    source: TokenSource;
  };
}

/**
 * The authentication middleware. `required`: no token is 401 credentials_required. Optional:
 * no token passes anonymously; a token that is present but bad is still 401.
 */
export function createAuthMiddleware(authority: Authority, options: { required: boolean }): Middleware<JwtState> {
  const extract = createExtractor(authority.config);
  const { required } = options;
  return async function koaJwtAuth(ctx, next) {
    let user: AuthUser;
    let jwt: NonNullable<JwtState['jwt']>;
    try {
      const found = extract(ctx);
      if (!found) {
        if (required) throw new CredentialsRequiredError('Authentication credentials were not provided.');
        return next();
      }
      const now = authority.authenticateNow(found.token);
      const { user: u, verified } = now instanceof Promise ? await now : now;
      user = u;
      jwt = { token: verified.token, header: verified.header, payload: verified.payload, source: found.source };
    } catch (err) {
      // Only our own step is caught here: errors of later middleware pass through untouched.
      fail(ctx as never, err, authority.config, authority.storeFailures);
      return;
    }
    ctx.state.user = user;
    ctx.state.jwt = jwt;
    return next();
  };
}
