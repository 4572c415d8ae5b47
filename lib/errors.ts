/**
 * Every failure koa-jwt-kit reports is one of these classes. Each has a stable `code` (the
 * `error` member of the JSON body); the HTTP answer of a code (status, challenge, Retry-After)
 * is written once, in ANSWERS below, and read by the HTTP layer by code only, never by message.
 *
 * Codes and classes are 1:1: each code has exactly one class, the class of the code, and a finer
 * class for the same code (StoreUnavailableError for `temporarily_unavailable`, CsrfTokenError
 * for `forbidden`) is a subclass of it, so `err instanceof TemporarilyUnavailableError` holds
 * exactly when `err.code === 'temporarily_unavailable'`. KoaJwtError and TokenError carry no code
 * of their own: they group codes. spec/errors.spec.ts holds this.
 *
 * @example
 * ```ts
 * try { await auth.verify(token) } catch (err) {
 *   if (err instanceof TokenExpiredError) { ... } // err.code === 'token_expired', err.status === 401
 * }
 * ```
 */

/** What a 401 says in `WWW-Authenticate` (RFC 6750 §3): nothing more than the realm, or an error attribute; written by lib/middleware/error-answer.ts. */
type Challenge = 'realm' | 'invalid_token' | 'invalid_request';

interface Answer {
  readonly status: number;
  /** For a 401: the challenge. */
  readonly challenge?: Challenge;
  /** For a 503: the default `Retry-After`, in seconds. */
  readonly retryAfter?: number;
  /** The status when the user was named by the request rather than by a token (impersonate's `user`). */
  readonly requestStatus?: number;
}

/** The one table from error code to HTTP answer. */
const ANSWERS = {
  config_invalid: { status: 500 },
  key_invalid: { status: 500 },
  key_not_found: { status: 500 },
  credentials_required: { status: 401, challenge: 'realm' },
  credentials_bad_format: { status: 401, challenge: 'invalid_request' },
  invalid_credentials: { status: 401, challenge: 'realm' },
  token_expired: { status: 401, challenge: 'invalid_token' },
  token_not_yet_valid: { status: 401, challenge: 'invalid_token' },
  token_invalid: { status: 401, challenge: 'invalid_token' },
  token_revoked: { status: 401, challenge: 'invalid_token' },
  token_reused: { status: 401, challenge: 'invalid_token' },
  refresh_expired: { status: 401, challenge: 'invalid_token' },
  user_not_found: { status: 401, challenge: 'invalid_token', requestStatus: 400 },
  account_disabled: { status: 401, challenge: 'invalid_token', requestStatus: 400 },
  invalid_request: { status: 400 },
  refresh_not_allowed: { status: 400 },
  forbidden: { status: 403 },
  not_available: { status: 404 },
  method_not_allowed: { status: 405 },
  payload_too_large: { status: 413 },
  unsupported_media_type: { status: 415 },
  throttled: { status: 429, retryAfter: 1 },
  temporarily_unavailable: { status: 503, retryAfter: 1 },
} as const satisfies Record<string, Answer>;

/** Every `code` a KoaJwtError can carry: the `error` member of the JSON body. */
export type KoaJwtErrorCode = keyof typeof ANSWERS;

/** The codes and their answers, for documentation and for apps that map codes themselves. */
export const ERROR_ANSWERS: Readonly<Record<KoaJwtErrorCode, Answer>> = ANSWERS;

/** The JSON body of an error answer (RFC 6750 / OAuth 2.0 shape), plus extra members such as `fields`. */
export interface ErrorBody {
  error: KoaJwtErrorCode;
  error_description: string;
  [member: string]: unknown;
}

interface ErrorOptions {
  cause?: unknown;
  /** Extra members of the JSON body. */
  body?: Record<string, unknown>;
  /** Seconds for `Retry-After` (503, 429), when the default of the code does not fit. */
  retryAfter?: number;
}

/**
 * The base class. `status`, `expose`, `headers` and `body` are what Koa's error handling reads,
 * so with `errors: 'throw'` an app's own error middleware (or Koa's default handler) answers
 * the right status; `body` is the JSON the library answers itself with `errors: 'respond'`.
 *
 * @example
 * ```ts
 * app.use(async (ctx, next) => {
 *   try { await next() } catch (err) {
 *     if (!(err instanceof KoaJwtError)) throw err;
 *     ctx.status = err.status;
 *     ctx.set(err.headers);
 *     ctx.body = { message: err.body.error_description, code: err.code };
 *   }
 * });
 * ```
 */
export abstract class KoaJwtError extends Error {
  /** Stable machine-readable code, e.g. `token_expired`. */
  abstract readonly code: KoaJwtErrorCode;
  /** Koa shows the message of an exposed error to the client: every one of these is meant for it. */
  readonly expose = true;
  /** Seconds for `Retry-After`, where this failure has one. */
  readonly retryAfter?: number;
  /**
   * Headers of the answer (`WWW-Authenticate`, `Retry-After`, `Allow`), for the app's own error
   * middleware with `errors: 'throw'`: empty until the middleware or a route answers with this
   * error (the challenge's scheme is the configured `header.prefix`; lib/middleware/error-answer.ts).
   */
  headers: Record<string, string | string[]> = {};
  readonly #extra?: Readonly<Record<string, unknown>>;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.body !== undefined) this.#extra = options.body;
    if (options?.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }

  #statusSetByKoa?: number;

  /** The HTTP status of this failure, from the one table. */
  get status(): number {
    return this.#statusSetByKoa ?? this.tableStatus();
  }

  // Koa's error handler writes `err.status` back (the same number, or 500 for an invalid one).
  set status(status: number) {
    this.#statusSetByKoa = status;
  }

  /** The status the error table gives this failure. */
  protected tableStatus(): number {
    return ANSWERS[this.code].status;
  }

  /** The JSON body of the contract: `{ error, error_description, ...extra }`. */
  get body(): ErrorBody {
    return { error: this.code, error_description: this.message, ...this.#extra };
  }
}

/**
 * A wrong configuration value. `path` names it, e.g. `keys.secret`. Thrown by `koaJwt()` at start-up.
 *
 * @example
 * ```ts
 * try { koaJwt({ keys: { secret: 'short' }, users }) } catch (err) {
 *   if (err instanceof ConfigError) console.error(err.path); // 'keys.secret'
 * }
 * ```
 */
export class ConfigError extends KoaJwtError {
  readonly code = 'config_invalid';
  /** The config path of the wrong value, e.g. `keys.rotation.every`. */
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.path = path;
  }
}

/**
 * A key given to the keyring at run time (`auth.keyring.add`) that cannot be used as asked.
 *
 * @example
 * ```ts
 * auth.keyring.add({ kid: 'k1', alg: 'ES256', secret: 'x'.repeat(32) }); // throws KeyInvalidError: ES256 needs a key pair
 * ```
 */
export class KeyInvalidError extends KoaJwtError {
  readonly code = 'key_invalid';
}

/**
 * `auth.keyring.promote/retire/remove` named a kid the keyring does not hold.
 *
 * @example
 * ```ts
 * auth.keyring.promote('no-such-kid'); // throws KeyNotFoundError
 * ```
 */
export class KeyNotFoundError extends KoaJwtError {
  readonly code = 'key_not_found';
}

// ---- 401: the request carries no usable credentials --------------------------------------

/**
 * Every failure that means "this token is not acceptable" (401 with `error="invalid_token"`).
 *
 * @example
 * ```ts
 * auth.verify(token).catch((err) => { if (err instanceof TokenError) askToLogInAgain(); });
 * ```
 */
export abstract class TokenError extends KoaJwtError {}

/**
 * No token was presented where authentication is required.
 *
 * @example
 * ```ts
 * // GET /me without a token  →  401 {"error":"credentials_required"}, WWW-Authenticate: Bearer realm="api"
 * ```
 */
export class CredentialsRequiredError extends KoaJwtError {
  readonly code = 'credentials_required';
}

/**
 * The Authorization header names our scheme but is not `<prefix> <token>` (`Bearer` alone, `Bearer a b`).
 *
 * @example
 * ```ts
 * // GET /me with Authorization: Bearer a b  →  401 {"error":"credentials_bad_format"}
 * ```
 */
export class CredentialsBadFormatError extends KoaJwtError {
  readonly code = 'credentials_bad_format';
}

/**
 * Obtain: a wrong password, an unknown user or an inactive user (one answer for all three).
 *
 * @example
 * ```ts
 * // POST /auth/token {"username":"admin","password":"wrong"}  →  401 {"error":"invalid_credentials"}
 * ```
 */
export class InvalidCredentialsError extends KoaJwtError {
  readonly code = 'invalid_credentials';
  constructor(message = 'Unable to log in with the provided credentials.') {
    super(message);
  }
}

/**
 * The token's `exp` has passed (beyond `token.leeway`).
 *
 * @example
 * ```ts
 * auth.verify(token).catch((err) => { if (err instanceof TokenExpiredError) console.log(err.expiredAt); });
 * ```
 */
export class TokenExpiredError extends TokenError {
  readonly code = 'token_expired';
  /** When the token expired. */
  readonly expiredAt?: Date;
  constructor(message = 'The token has expired.', expiredAt?: Date) {
    super(message);
    if (expiredAt) this.expiredAt = expiredAt;
  }
}

/**
 * The token's `nbf` (or `iat`) is still in the future.
 *
 * @example
 * ```ts
 * auth.verify(token).catch((err) => { if (err instanceof TokenNotYetValidError) retryLater(); });
 * ```
 */
export class TokenNotYetValidError extends TokenError {
  readonly code = 'token_not_yet_valid';
}

/**
 * Bad signature, algorithm, kid, audience, issuer, `crit`, shape or length.
 *
 * @example
 * ```ts
 * auth.verify(tampered).catch((err) => err instanceof TokenInvalidError); // true
 * ```
 */
export class TokenInvalidError extends TokenError {
  readonly code = 'token_invalid';
}

/**
 * The token, or its refresh family, was revoked (logout, blacklist, reuse detection).
 *
 * @example
 * ```ts
 * await auth.blacklist(token);
 * await auth.verify(token); // rejects with TokenRevokedError
 * ```
 */
export class TokenRevokedError extends TokenError {
  readonly code = 'token_revoked';
  constructor(message = 'The token has been revoked.') {
    super(message);
  }
}

/**
 * Pair mode: a refresh token presented a second time; its whole family is revoked.
 *
 * @example
 * ```ts
 * // POST /auth/token/refresh {"refresh": <an already used refresh token>}  →  401 {"error":"token_reused"}
 * ```
 */
export class TokenReusedError extends TokenError {
  readonly code = 'token_reused';
  constructor(message = 'This refresh token was already used; its whole family is now revoked.') {
    super(message);
  }
}

/**
 * The family's refresh period (`refresh.expiresIn` from the login) has ended.
 *
 * @example
 * ```ts
 * // POST /auth/token/refresh eight days after the login (refresh.expiresIn '7d')  →  401 {"error":"refresh_expired"}
 * ```
 */
export class RefreshExpiredError extends TokenError {
  readonly code = 'refresh_expired';
  constructor(message = 'The refresh period of this token has ended; log in again.') {
    super(message);
  }
}

/**
 * A failure about a user: of the token's user (401), or of the user a request names
 * (impersonate's `user`, `inRequest`: the status the table gives a request, 400).
 */
abstract class UserError extends TokenError {
  abstract override readonly code: 'user_not_found' | 'account_disabled';
  readonly #inRequest: boolean;
  constructor(message: string, options?: { inRequest?: boolean }) {
    super(message);
    this.#inRequest = options?.inRequest === true;
  }
  protected override tableStatus(): number {
    return this.#inRequest ? ANSWERS[this.code].requestStatus : ANSWERS[this.code].status;
  }
}

/**
 * The user a token names does not exist (401), or the user an impersonate request names does not (400, `inRequest`).
 *
 * @example
 * ```ts
 * auth.verify(tokenOfADeletedUser).catch((err) => err instanceof UserNotFoundError); // true
 * ```
 */
export class UserNotFoundError extends UserError {
  readonly code = 'user_not_found';
  constructor(message = 'The user of this token does not exist.', options?: { inRequest?: boolean }) {
    super(message, options);
  }
}

/**
 * The user is inactive (`isActive: false`): 401 for a token's user, 400 for the user an impersonate request names.
 *
 * @example
 * ```ts
 * auth.verify(tokenOfADisabledUser).catch((err) => err instanceof AccountDisabledError); // true
 * ```
 */
export class AccountDisabledError extends UserError {
  readonly code = 'account_disabled';
  constructor(message = 'The user account is disabled.', options?: { inRequest?: boolean }) {
    super(message, options);
  }
}

// ---- 4xx: the request itself is wrong ------------------------------------------------------

/**
 * A malformed request: `fields` names each missing or wrong field.
 *
 * @example
 * ```ts
 * // POST /auth/token {"username":"admin"}  →  400 {"error":"invalid_request","fields":{"password":"This field is required."}}
 * ```
 */
export class InvalidRequestError extends KoaJwtError {
  readonly code = 'invalid_request';
  /** Field name → what is wrong with it. */
  readonly fields?: Readonly<Record<string, string>>;
  constructor(message: string, fields?: Record<string, string>) {
    super(message, fields ? { body: { fields } } : undefined);
    if (fields) this.fields = fields;
  }
}

/**
 * Refresh is off (`refresh.allow: false`), or the token has no `orig_iat`.
 *
 * @example
 * ```ts
 * // refresh: { allow: false }; POST /auth/token/refresh  →  400 {"error":"refresh_not_allowed"}
 * ```
 */
export class RefreshNotAllowedError extends KoaJwtError {
  readonly code = 'refresh_not_allowed';
}

/**
 * An authenticated caller without the right (impersonate needs a superuser), or a request refused
 * by a CSRF rule. The class of the code `forbidden`: CrossSiteRequestError and CsrfTokenError refine it.
 *
 * @example
 * ```ts
 * // POST /auth/token/impersonate as a user who is not a superuser  →  403 {"error":"forbidden"}
 * ```
 */
export class ForbiddenError extends KoaJwtError {
  readonly code = 'forbidden';
}

/**
 * A browser request from a site that may not make this route set cookies (login CSRF): 403 `forbidden`.
 *
 * @example
 * ```ts
 * // a form on https://evil.example posting to /auth/token  →  403 {"error":"forbidden"}, no cookie set
 * ```
 */
export class CrossSiteRequestError extends ForbiddenError {}

/**
 * A refresh from the cookie without the session's signed CSRF value in the header: 403 `forbidden`.
 *
 * @example
 * ```ts
 * // POST /auth/token/refresh with the refresh cookie but no x-csrf-token header  →  403 {"error":"forbidden"}
 * ```
 */
export class CsrfTokenError extends ForbiddenError {}

/**
 * The request body is over the token routes' limit.
 *
 * @example
 * ```ts
 * // POST /auth/token with a 20 kB body  →  413 {"error":"payload_too_large"}
 * ```
 */
export class PayloadTooLargeError extends KoaJwtError {
  readonly code = 'payload_too_large';
}

/**
 * The token routes take JSON or a form; anything else (text/plain, XML, multipart) is refused.
 *
 * @example
 * ```ts
 * // POST /auth/token, Content-Type: text/xml  →  415 {"error":"unsupported_media_type"}
 * ```
 */
export class UnsupportedMediaTypeError extends KoaJwtError {
  readonly code = 'unsupported_media_type';
}

/**
 * The route exists but this service does not offer it (a verify-only service has no users to log in).
 *
 * @example
 * ```ts
 * // a verify-only service (keys.jwksUri): POST /auth/token  →  404 {"error":"not_available"}
 * ```
 */
export class NotAvailableError extends KoaJwtError {
  readonly code = 'not_available';
}

/**
 * The JWKS route answers GET (and HEAD) only.
 *
 * @example
 * ```ts
 * // DELETE /.well-known/jwks.json  →  405 {"error":"method_not_allowed"}, Allow: GET, HEAD
 * ```
 */
export class MethodNotAllowedError extends KoaJwtError {
  readonly code = 'method_not_allowed';
  /** The methods the route answers (the `Allow` header, RFC 9110 §15.5.6). */
  readonly allow: readonly string[];
  constructor(message: string, allow: readonly string[]) {
    super(message);
    this.allow = Object.freeze([...allow]);
  }
}

// ---- 503: a dependency could not answer ----------------------------------------------------

/**
 * A dependency could not answer: nothing was issued and nothing was lost, and the client may
 * retry after `Retry-After` seconds. The class of the code `temporarily_unavailable`: every
 * error with that code is an instance of it, so `instanceof` and `switch (err.code)` agree.
 * StoreUnavailableError, KeySourceUnavailableError and SigningKeyUnavailableError refine it,
 * each with its own message and default `Retry-After`.
 *
 * @example
 * ```ts
 * auth.verify(token).catch((err) => {
 *   if (err instanceof TemporarilyUnavailableError) retryIn(err.retryAfter ?? 1); // err.code === 'temporarily_unavailable'
 * });
 * ```
 */
export class TemporarilyUnavailableError extends KoaJwtError {
  readonly code = 'temporarily_unavailable';
  constructor(message = 'The service is temporarily unavailable; try again shortly.', options?: { cause?: unknown; retryAfter?: number }) {
    super(message, options);
  }
}

/**
 * The store (blacklist, refresh families, user secrets, keys) did not answer in time or failed.
 * Nothing was issued and nothing was lost; the client may retry after `Retry-After` seconds.
 *
 * @example
 * ```ts
 * // the store did not answer within store.timeout  →  503 {"error":"temporarily_unavailable"}, Retry-After: 1
 * ```
 */
export class StoreUnavailableError extends TemporarilyUnavailableError {
  /** The store call that failed or missed its deadline, where known: for the `error` event, never in the answer. */
  declare readonly storeCall?: StoreCall;
  constructor(message = 'The token store is unavailable; try again shortly.', options?: { cause?: unknown; retryAfter?: number; storeCall?: StoreCall }) {
    super(message, options);
    if (options?.storeCall !== undefined) this.storeCall = options.storeCall;
  }
}

/** One store call: the part of the store (`users`: the users provider) and its method, such as `blacklist` / `add`. */
export interface StoreCall {
  readonly part: 'blacklist' | 'refreshTokens' | 'userSecrets' | 'signingKeys' | 'attempts' | 'users';
  readonly operation: string;
}

/**
 * The remote JWKS (`keys.jwksUri`) could not be fetched.
 *
 * @example
 * ```ts
 * // keys.jwksUri unreachable and the token's kid never seen  →  503 {"error":"temporarily_unavailable"}, Retry-After: 5
 * ```
 */
export class KeySourceUnavailableError extends TemporarilyUnavailableError {
  constructor(message = 'The signing keys could not be fetched; try again shortly.', options?: { cause?: unknown; retryAfter?: number }) {
    super(message, { retryAfter: 5, ...options });
  }
}

/**
 * No key can sign right now (every key retired at run time, or managed rotation has not synced).
 *
 * @example
 * ```ts
 * // managed rotation has not read its store yet: POST /auth/token  →  503 {"error":"temporarily_unavailable"}, Retry-After: 5
 * ```
 */
export class SigningKeyUnavailableError extends TemporarilyUnavailableError {
  constructor(message = 'No signing key is available; try again shortly.', options?: { cause?: unknown }) {
    super(message, { ...options, retryAfter: 5 });
  }
}

// ---- 429: too many requests ------------------------------------------------------------------

/**
 * Too many requests, answered before any password is hashed: failed logins past a `throttle`
 * limit (per username or per client address), refresh or impersonate requests past their
 * per-address limit, or more logins at once than password hashing takes (`hashing`: the
 * short queue is full, or a login waited longer than `hashing.maxWait`). `Retry-After` says
 * when to try again, in seconds (RFC 6585 §4).
 *
 * @example
 * ```ts
 * // the sixth wrong password for alice within 15 minutes  →  429 {"error":"throttled"}, Retry-After: <seconds>
 * ```
 */
export class ThrottledError extends KoaJwtError {
  readonly code = 'throttled';
  /** Seconds until the limit lets this request through again. */
  declare readonly retryAfter: number;
  constructor(message = 'Too many attempts; try again later.', options?: { retryAfter?: number }) {
    super(message, { retryAfter: Math.max(1, Math.ceil(options?.retryAfter ?? 1)) });
  }
}
