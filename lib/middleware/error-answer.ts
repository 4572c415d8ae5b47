import { ERROR_ANSWERS, type ErrorBody, type KoaJwtError, MethodNotAllowedError } from '../errors.js';

/** What an error answers over HTTP: decided here, from the one table of lib/errors.ts, and nowhere else. */
export interface ErrorAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ErrorBody;
}

// The realm of every challenge (RFC 6750 §3): one protection space for the whole API.
const REALM = 'api';

// A header value may carry only visible ASCII: a description that quotes attacker bytes (a
// JSON parse error on a tampered payload) would otherwise make ctx.set throw, and answer 500.
const quote = (s: string) => s.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');

/**
 * The answer of `error`: its status, its JSON body, the challenge of a 401 under `scheme` (the
 * configured `header.prefix`; RFC 6750 §3.1: no error attribute when no token was presented),
 * `Retry-After` (the error's own, else its code's default), and `Allow` for a 405.
 */
export function answerOf(error: KoaJwtError, scheme: string): ErrorAnswer {
  const answer = ERROR_ANSWERS[error.code];
  const headers: Record<string, string> = {};
  if (error instanceof MethodNotAllowedError) headers.Allow = error.allow.join(', ');
  if (error.status === 401 && answer.challenge) {
    headers['WWW-Authenticate'] = answer.challenge === 'realm'
      ? `${scheme} realm="${REALM}"`
      : `${scheme} realm="${REALM}", error="${answer.challenge}", error_description="${quote(error.message)}"`;
  }
  const retryAfter = error.retryAfter ?? answer.retryAfter;
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  return { status: error.status, headers, body: error.body };
}

/**
 * Whether `error` says the token presented can never be accepted again (RFC 6750's
 * `invalid_token`): expired, revoked, reused, past its refresh period, of a user gone or
 * disabled. A refresh cookie holding such a token is dropped with the answer.
 */
export function refusesToken(error: KoaJwtError): boolean {
  return ERROR_ANSWERS[error.code].challenge === 'invalid_token';
}
