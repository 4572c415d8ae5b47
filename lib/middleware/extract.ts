import type { Context } from 'koa';
import type { ResolvedConfig } from '../config/types.js';
import { CredentialsBadFormatError } from '../errors.js';

export type TokenSource = 'header' | 'impersonation-cookie' | 'cookie';

export interface ExtractedToken {
  readonly token: string;
  readonly source: TokenSource;
}

/**
 * Finds the request's token. Order: the Authorization header with our scheme, then the
 * impersonation cookie, then the auth cookie. A header with another scheme (`Basic …`) is not
 * ours and is left to other middleware. Tokens in the query string are never read (they end up
 * in logs and Referer headers, RFC 6750 §5.3).
 */
export function createExtractor(config: Pick<ResolvedConfig, 'header' | 'cookie' | 'impersonation'>): (ctx: Context) => ExtractedToken | undefined {
  const prefix = config.header.prefix.toLowerCase();
  const cookie = config.cookie ? config.cookie.name : undefined;
  const impersonation = config.impersonation.cookie ? config.impersonation.cookie.name : undefined;

  return (ctx) => {
    const header = ctx.request.headers.authorization;
    if (typeof header === 'string' && header.length > 0) {
      const space = header.indexOf(' ');
      const scheme = space === -1 ? header : header.slice(0, space);
      if (scheme.toLowerCase() === prefix) {
        const token = space === -1 ? '' : header.slice(space + 1);
        if (token === '' || token.includes(' ')) {
          throw new CredentialsBadFormatError(`The Authorization header must be "${config.header.prefix} <token>".`);
        }
        return { token, source: 'header' };
      }
    }
    if (impersonation) {
      const token = ctx.cookies.get(impersonation);
      if (token) return { token, source: 'impersonation-cookie' };
    }
    if (cookie) {
      const token = ctx.cookies.get(cookie);
      if (token) return { token, source: 'cookie' };
    }
    return undefined;
  };
}
