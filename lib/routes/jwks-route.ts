import type { Middleware } from 'koa';
import type { ResolvedConfig } from '../config/types.js';
import { MethodNotAllowedError } from '../errors.js';
import { fail } from '../middleware/respond.js';

export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * `GET /.well-known/jwks.json`: the public keys in every published state, for verifiers
 * (jwks-rsa, jose). Cached by clients for `jwks.maxAge` seconds; other methods get 405.
 */
export function jwksMiddleware(config: Pick<ResolvedConfig, 'jwks' | 'keyring' | 'errors' | 'header'>, options: { path?: string } = {}): Middleware {
  const path = options.path ?? JWKS_PATH;
  const cacheControl = `public, max-age=${Math.floor(config.jwks.maxAge)}`;
  return async function jwks(ctx, next) {
    if (ctx.path !== path) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      fail(ctx as never, new MethodNotAllowedError(`${ctx.method} is not allowed here; use GET.`, ['GET', 'HEAD']), config);
      return;
    }
    ctx.status = 200;
    ctx.type = 'application/json';
    ctx.set('Cache-Control', cacheControl);
    ctx.body = config.keyring.jwksJson();
  };
}
