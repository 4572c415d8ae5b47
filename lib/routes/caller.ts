import type { Context } from 'koa';
import type { Authenticated, Authority } from '../authority.js';
import { CredentialsRequiredError } from '../errors.js';
import { createExtractor, type ExtractedToken } from '../middleware/extract.js';

/**
 * The authenticated caller of a route, checked exactly as the middleware checks it
 * (signature, claims, revocation, user). No token: 401 credentials_required.
 *
 * @example
 * ```ts
 * const authenticateCaller = callerAuthenticator(authority);
 * const { user, verified } = await authenticateCaller(ctx);
 * ```
 */
export function callerAuthenticator(authority: Authority): (ctx: Context) => Promise<Authenticated & { source: ExtractedToken['source'] }> {
  const extract = createExtractor(authority.config);
  return async (ctx) => {
    const found = extract(ctx);
    if (!found) throw new CredentialsRequiredError('Authentication credentials were not provided.');
    return { ...(await authority.authenticate(found.token)), source: found.source };
  };
}
