import type { Context } from 'koa';
import { InvalidRequestError, KoaJwtError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js';

// Codes that mean "no usable token was presented": RFC 6750 §3.1 says to send no error attribute then.
const NO_TOKEN_CODES = new Set(['credentials_required', 'invalid_credentials']);

// A header value may carry only visible ASCII: a description that quotes attacker bytes (a
// JSON parse error on a tampered payload) would otherwise make ctx.set throw, and answer 500.
const quote = (s: string) => s.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');

/**
 * Translates a koa-jwt-kit error into the HTTP answer of the contract: the status of its
 * class, a JSON body `{ error, error_description }` (RFC 6750 / OAuth 2.0 shape) and, for a
 * 401, `WWW-Authenticate: Bearer realm="api"` with `error="invalid_token"` when a token was
 * presented. Errors of other origins (body parsing) are mapped to 400/413/415 first.
 */
export function respondWithError(ctx: Context, err: unknown): void {
  const error = toKoaJwtError(err);
  if (!error) throw err;
  ctx.status = error.status;
  ctx.body = { error: error.code, error_description: error.message, ...error.body };
  if (error.headers) for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
  if (error.status === 401) {
    ctx.set('WWW-Authenticate', NO_TOKEN_CODES.has(error.code) || error.code === 'credentials_bad_format'
      ? `Bearer realm="api"${error.code === 'credentials_bad_format' ? `, error="invalid_request", error_description="${quote(error.message)}"` : ''}`
      : `Bearer realm="api", error="invalid_token", error_description="${quote(error.message)}"`);
  }
  ctx.set('Cache-Control', 'no-store');
}

/** Known errors as KoaJwtErrors; undefined for anything that is a real server fault. */
export function toKoaJwtError(err: unknown): KoaJwtError | undefined {
  if (err instanceof KoaJwtError) return err;
  const e = err as { status?: number; type?: string; expose?: boolean; message?: string };
  // Body parser errors (co-body, raw-body) carry status and expose.
  if (e && typeof e.status === 'number' && (e.expose || err instanceof SyntaxError)) {
    if (e.status === 413) return new PayloadTooLargeError('The request body is too large.');
    if (e.status === 415) return new UnsupportedMediaTypeError(e.message ?? 'Unsupported media type.');
    if (e.status === 400) return new InvalidRequestError(err instanceof SyntaxError || e.type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : `The request body could not be read (${e.message}).`);
  }
  return undefined;
}
