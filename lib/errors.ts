/**
 * Every failure koa-jwt-kit reports is one of these classes. Each has a stable `code` (the
 * `error` member of the JSON body) and the HTTP `status` the middleware and routes answer
 * with. The HTTP layer maps error → response by these two fields only, never by message text.
 *
 * @example
 * ```ts
 * try { await auth.verify(token) } catch (err) {
 *   if (err instanceof TokenExpiredError) { ... } // err.code === 'token_expired'
 * }
 * ```
 */
export class KoaJwtError extends Error {
  /** Stable machine-readable code, e.g. `token_expired`. */
  readonly code: string = 'server_error';
  /** HTTP status this error answers with. */
  readonly status: number = 500;
  /** Extra members for the JSON body (e.g. `fields` of an invalid request). */
  readonly body?: Readonly<Record<string, unknown>>;
  /** Headers to add to the response (e.g. `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;

  constructor(message: string, options?: { cause?: unknown; status?: number; body?: Record<string, unknown>; headers?: Record<string, string> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.status !== undefined) this.status = options.status;
    if (options?.body !== undefined) this.body = options.body;
    if (options?.headers !== undefined) this.headers = options.headers;
  }
}

/**
 * A wrong configuration value. `path` names it, e.g. `keys.secret`. Thrown by `koaJwt()`.
 *
 * @example
 * ```ts
 * try { koaJwt({ keys: { secret: 'short' }, users }) } catch (err) {
 *   if (err instanceof ConfigError) console.error(err.path); // 'keys.secret'
 * }
 * ```
 */
export class ConfigError extends KoaJwtError {
  override readonly code = 'config_invalid';
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.path = path;
  }
}

// ---- 401: the request carries no usable credentials --------------------------------------

/**
 * Errors that mean "this token is not acceptable": answered with `WWW-Authenticate: error="invalid_token"`.
 *
 * @example
 * ```ts
 * auth.verify(token).catch((err) => { if (err instanceof TokenError) askToLogInAgain(); });
 * ```
 */
export class TokenError extends KoaJwtError {
  override readonly status: number = 401;
}

/**
 * No token at all where one is required (401 `credentials_required`).
 *
 * @example
 * ```ts
 * // GET /me without a token  →  401 {"error":"credentials_required"}, WWW-Authenticate: Bearer realm="api"
 * ```
 */
export class CredentialsRequiredError extends KoaJwtError {
  override readonly code = 'credentials_required';
  override readonly status: number = 401;
}

/**
 * An Authorization header of our scheme that holds no single token: `Bearer` alone, `Bearer a b`
 * (401 `credentials_bad_format`).
 *
 * @example
 * ```ts
 * // Authorization: Bearer a b  →  401 {"error":"credentials_bad_format"}
 * ```
 */
export class CredentialsBadFormatError extends KoaJwtError {
  override readonly code = 'credentials_bad_format';
  override readonly status: number = 401;
}

/**
 * Obtain: a wrong password, an unknown user or an inactive one, with one body for all three (401
 * `invalid_credentials`).
 *
 * @example
 * ```ts
 * // POST /auth/token {"username":"admin","password":"wrong"}  →  401 {"error":"invalid_credentials"}
 * ```
 */
export class InvalidCredentialsError extends KoaJwtError {
  override readonly code = 'invalid_credentials';
  override readonly status: number = 401;
  constructor(message = 'Unable to log in with the provided credentials.') {
    super(message);
  }
}

/**
 * The token is past its `exp` (+ `token.leeway`): 401 `token_expired`; `expiredAt` says when.
 *
 * @example
 * ```ts
 * auth.verify(token).catch((err) => { if (err instanceof TokenExpiredError) console.log(err.expiredAt); });
 * ```
 */
export class TokenExpiredError extends TokenError {
  override readonly code = 'token_expired';
  /** When the token expired. */
  readonly expiredAt?: Date;
  constructor(message = 'The token has expired.', expiredAt?: Date) {
    super(message);
    if (expiredAt) this.expiredAt = expiredAt;
  }
}

/**
 * The token's `nbf` is still in the future (− `token.leeway`): 401 `token_not_yet_valid`.
 *
 * @example
 * ```ts
 * auth.verify(token).catch((err) => { if (err instanceof TokenNotYetValidError) retryLater(); });
 * ```
 */
export class TokenNotYetValidError extends TokenError {
  override readonly code = 'token_not_yet_valid';
}

/**
 * The token does not verify: signature, alg, kid, aud, iss, crit, shape, length or lifetime, or
 * a refresh token where an access token is expected (401 `token_invalid`).
 *
 * @example
 * ```ts
 * auth.verify(tampered).catch((err) => err instanceof TokenInvalidError); // true
 * ```
 */
export class TokenInvalidError extends TokenError {
  override readonly code = 'token_invalid';
}

/**
 * The token, or its refresh family, has been revoked (401 `token_revoked`).
 *
 * @example
 * ```ts
 * await auth.blacklist(token);
 * await auth.verify(token); // rejects with TokenRevokedError
 * ```
 */
export class TokenRevokedError extends TokenError {
  override readonly code = 'token_revoked';
  constructor(message = 'The token has been revoked.') {
    super(message);
  }
}

/**
 * Pair mode: a consumed refresh token came back, so its whole family is now revoked (401
 * `token_reused`).
 *
 * @example
 * ```ts
 * // POST /auth/token/refresh {"refresh": <an already used refresh token>}  →  401 {"error":"token_reused"}
 * ```
 */
export class TokenReusedError extends TokenError {
  override readonly code = 'token_reused';
  constructor(message = 'This refresh token was already used; its whole family is now revoked.') {
    super(message);
  }
}

/**
 * The family is older than `refresh.expiresIn` (counted from the first login): log in again (401
 * `refresh_expired`).
 *
 * @example
 * ```ts
 * // POST /auth/token/refresh eight days after the login (refresh.expiresIn '7d')  →  401 {"error":"refresh_expired"}
 * ```
 */
export class RefreshExpiredError extends TokenError {
  override readonly code = 'refresh_expired';
  constructor(message = 'The refresh period of this token has ended; log in again.') {
    super(message);
  }
}

/**
 * The token's user no longer exists (401 `user_not_found`; 400 when impersonate names an unknown
 * user).
 *
 * @example
 * ```ts
 * auth.verify(tokenOfADeletedUser).catch((err) => err instanceof UserNotFoundError); // true
 * ```
 */
export class UserNotFoundError extends TokenError {
  override readonly code = 'user_not_found';
  constructor(message = 'The user of this token does not exist.', options?: { status?: number }) {
    super(message, options);
    // TokenError's field initializer ran after super() and reset status to 401: apply the option again.
    if (options?.status !== undefined) (this as { status: number }).status = options.status;
  }
}

/**
 * The token's user is inactive (`isActive: false`): 401 `account_disabled` (400 when impersonate
 * targets one).
 *
 * @example
 * ```ts
 * auth.verify(tokenOfADisabledUser).catch((err) => err instanceof AccountDisabledError); // true
 * ```
 */
export class AccountDisabledError extends TokenError {
  override readonly code = 'account_disabled';
  constructor(message = 'The user account is disabled.', options?: { status?: number }) {
    super(message, options);
    // TokenError's field initializer ran after super() and reset status to 401: apply the option again.
    if (options?.status !== undefined) (this as { status: number }).status = options.status;
  }
}

// ---- 4xx: the request itself is wrong ------------------------------------------------------

/**
 * A missing or wrong field, or an unreadable body (400 `invalid_request`); `fields` names each
 * field and what is wrong with it.
 *
 * @example
 * ```ts
 * // POST /auth/token {"username":"admin"}  →  400 {"error":"invalid_request","fields":{"password":"This field is required."}}
 * ```
 */
export class InvalidRequestError extends KoaJwtError {
  override readonly code = 'invalid_request';
  override readonly status: number = 400;
  /** Field name → what is wrong with it. */
  readonly fields?: Readonly<Record<string, string>>;
  constructor(message: string, fields?: Record<string, string>) {
    super(message, fields ? { body: { fields } } : undefined);
    if (fields) this.fields = fields;
  }
}

/**
 * Refresh is disabled (`refresh.allow: false`), or the token has no `orig_iat` (400
 * `refresh_not_allowed`).
 *
 * @example
 * ```ts
 * // refresh: { allow: false }; POST /auth/token/refresh  →  400 {"error":"refresh_not_allowed"}
 * ```
 */
export class RefreshNotAllowedError extends KoaJwtError {
  override readonly code = 'refresh_not_allowed';
  override readonly status: number = 400;
}

/**
 * An authenticated caller without the right: impersonate by a non-superuser, a failed CSRF check
 * (403 `forbidden`).
 *
 * @example
 * ```ts
 * // POST /auth/token/impersonate as a user who is not a superuser  →  403 {"error":"forbidden"}
 * ```
 */
export class ForbiddenError extends KoaJwtError {
  override readonly code = 'forbidden';
  override readonly status: number = 403;
}

/**
 * A request body over 16 kB on a token route (413 `payload_too_large`).
 *
 * @example
 * ```ts
 * // POST /auth/token with a 20 kB body  →  413 {"error":"payload_too_large"}
 * ```
 */
export class PayloadTooLargeError extends KoaJwtError {
  override readonly code = 'payload_too_large';
  override readonly status: number = 413;
}

/**
 * A body the token routes do not take: neither JSON nor a form (415 `unsupported_media_type`).
 *
 * @example
 * ```ts
 * // POST /auth/token, Content-Type: text/xml  →  415 {"error":"unsupported_media_type"}
 * ```
 */
export class UnsupportedMediaTypeError extends KoaJwtError {
  override readonly code = 'unsupported_media_type';
  override readonly status: number = 415;
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
  override readonly code = 'not_available';
  override readonly status: number = 404;
}

/**
 * A method other than GET or HEAD on the JWKS (405 `method_not_allowed`).
 *
 * @example
 * ```ts
 * // DELETE /.well-known/jwks.json  →  405 {"error":"method_not_allowed"}
 * ```
 */
export class MethodNotAllowedError extends KoaJwtError {
  override readonly code = 'method_not_allowed';
  override readonly status: number = 405;
}

// ---- 503: a dependency could not answer ----------------------------------------------------

/**
 * The store (blacklist, refresh families, user secrets, keys) did not answer in time or failed.
 * Nothing was issued and nothing was lost; the client may retry after `Retry-After` seconds.
 *
 * @example
 * ```ts
 * // the store did not answer within store.timeout  →  503 {"error":"temporarily_unavailable"}, Retry-After: 1
 * ```
 */
export class StoreUnavailableError extends KoaJwtError {
  override readonly code = 'temporarily_unavailable';
  override readonly status: number = 503;
  constructor(message = 'The token store is unavailable; try again shortly.', options?: { cause?: unknown; retryAfter?: number }) {
    super(message, { cause: options?.cause, headers: { 'Retry-After': String(options?.retryAfter ?? 1) } });
  }
}

/**
 * The remote JWKS (`keys.jwksUri`) could not be fetched.
 *
 * @example
 * ```ts
 * // keys.jwksUri unreachable and the token's kid never seen  →  503 {"error":"temporarily_unavailable"}, Retry-After: 5
 * ```
 */
export class KeySourceUnavailableError extends KoaJwtError {
  override readonly code = 'temporarily_unavailable';
  override readonly status: number = 503;
  constructor(message = 'The signing keys could not be fetched; try again shortly.', options?: { cause?: unknown }) {
    super(message, { cause: options?.cause, headers: { 'Retry-After': '5' } });
  }
}
