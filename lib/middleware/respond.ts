import type { Context } from 'koa';
import type { ResolvedConfig } from '../config/types.js';
import { KoaJwtError } from '../errors.js';
import { answerOf } from './error-answer.js';
import type { StoreFailureEvents } from '../stores/failure-events.js';

/**
 * The one exit of every failure of the middleware and the token routes. With `errors:
 * 'respond'` it answers the JSON contract (`{ error, error_description }`, RFC 6750 / OAuth 2.0
 * shape) with the status, challenge and `Retry-After` of the error table; with `errors: 'throw'`
 * it throws the KoaJwtError, carrying the same `status`, `headers` and `body`, to the app's own
 * error middleware. Errors that are not ours (a bug, a fault of later middleware) are rethrown
 * unchanged for Koa's error handling. A store failure (503) is reported to `storeFailures`, so
 * that an outage shows in the `error` events and not only in the answers.
 */
export function fail(ctx: Context, err: unknown, config: Pick<ResolvedConfig, 'errors' | 'header'>, storeFailures?: StoreFailureEvents): void {
  const error = toKoaJwtError(err);
  if (!error) throw err;
  storeFailures?.report(error);
  const answer = answerOf(error, config.header.prefix);
  if (config.errors === 'throw') {
    // Koa's error handling drops every header set so far: cookies this failure clears go with the error.
    const cookies = ctx.response.headers['set-cookie'];
    error.headers = { ...answer.headers, ...(cookies !== undefined ? { 'Set-Cookie': cookies } : {}) };
    throw error;
  }
  ctx.status = answer.status;
  ctx.body = answer.body;
  ctx.set(answer.headers);
  ctx.set('Cache-Control', 'no-store');
}

/**
 * Our errors; undefined for anything else, which goes to Koa's error handling as it is: a
 * request body is read (and its errors turned into ours) in lib/routes/body.ts, so an HTTP error
 * arriving here was thrown by the application's own callback (`ctx.throw(400, 'no tenant')` in
 * `token.payload`) and keeps the status and message the application gave it.
 */
export function toKoaJwtError(err: unknown): KoaJwtError | undefined {
  return err instanceof KoaJwtError ? err : undefined;
}
