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

/** A wrong configuration value. `path` names it, e.g. `keys.secret`. Thrown by `koaJwt()`. */
export class ConfigError extends KoaJwtError {
  override readonly code = 'config_invalid';
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.path = path;
  }
}

// ---- 401: the request carries no usable credentials --------------------------------------

/** Errors that mean "this token is not acceptable": answered with `WWW-Authenticate: error="invalid_token"`. */
export class TokenError extends KoaJwtError {
  override readonly status: number = 401;
}

export class CredentialsRequiredError extends KoaJwtError {
  override readonly code = 'credentials_required';
  override readonly status: number = 401;
}

export class CredentialsBadFormatError extends KoaJwtError {
  override readonly code = 'credentials_bad_format';
  override readonly status: number = 401;
}

export class InvalidCredentialsError extends KoaJwtError {
  override readonly code = 'invalid_credentials';
  override readonly status: number = 401;
  constructor(message = 'Unable to log in with the provided credentials.') {
    super(message);
  }
}

export class TokenExpiredError extends TokenError {
  override readonly code = 'token_expired';
  /** When the token expired. */
  readonly expiredAt?: Date;
  constructor(message = 'The token has expired.', expiredAt?: Date) {
    super(message);
    if (expiredAt) this.expiredAt = expiredAt;
  }
}

export class TokenNotYetValidError extends TokenError {
  override readonly code = 'token_not_yet_valid';
}

export class TokenInvalidError extends TokenError {
  override readonly code = 'token_invalid';
}

export class TokenRevokedError extends TokenError {
  override readonly code = 'token_revoked';
  constructor(message = 'The token has been revoked.') {
    super(message);
  }
}

export class TokenReusedError extends TokenError {
  override readonly code = 'token_reused';
  constructor(message = 'This refresh token was already used; its whole family is now revoked.') {
    super(message);
  }
}

export class RefreshExpiredError extends TokenError {
  override readonly code = 'refresh_expired';
  constructor(message = 'The refresh period of this token has ended; log in again.') {
    super(message);
  }
}

export class UserNotFoundError extends TokenError {
  override readonly code = 'user_not_found';
  constructor(message = 'The user of this token does not exist.', options?: { status?: number }) {
    super(message, options);
    // TokenError's field initializer ran after super() and reset status to 401: apply the option again.
    if (options?.status !== undefined) (this as { status: number }).status = options.status;
  }
}

export class AccountDisabledError extends TokenError {
  override readonly code = 'account_disabled';
  constructor(message = 'The user account is disabled.', options?: { status?: number }) {
    super(message, options);
    // TokenError's field initializer ran after super() and reset status to 401: apply the option again.
    if (options?.status !== undefined) (this as { status: number }).status = options.status;
  }
}

// ---- 4xx: the request itself is wrong ------------------------------------------------------

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

export class RefreshNotAllowedError extends KoaJwtError {
  override readonly code = 'refresh_not_allowed';
  override readonly status: number = 400;
}

export class ForbiddenError extends KoaJwtError {
  override readonly code = 'forbidden';
  override readonly status: number = 403;
}

export class PayloadTooLargeError extends KoaJwtError {
  override readonly code = 'payload_too_large';
  override readonly status: number = 413;
}

export class UnsupportedMediaTypeError extends KoaJwtError {
  override readonly code = 'unsupported_media_type';
  override readonly status: number = 415;
}

/** The route exists but this service does not offer it (a verify-only service has no users to log in). */
export class NotAvailableError extends KoaJwtError {
  override readonly code = 'not_available';
  override readonly status: number = 404;
}

export class MethodNotAllowedError extends KoaJwtError {
  override readonly code = 'method_not_allowed';
  override readonly status: number = 405;
}

// ---- 503: a dependency could not answer ----------------------------------------------------

/**
 * The store (blacklist, refresh families, user secrets, keys) did not answer in time or failed.
 * Nothing was issued and nothing was lost; the client may retry after `Retry-After` seconds.
 */
export class StoreUnavailableError extends KoaJwtError {
  override readonly code = 'temporarily_unavailable';
  override readonly status: number = 503;
  constructor(message = 'The token store is unavailable; try again shortly.', options?: { cause?: unknown; retryAfter?: number }) {
    super(message, { cause: options?.cause, headers: { 'Retry-After': String(options?.retryAfter ?? 1) } });
  }
}

/** The remote JWKS (`keys.jwksUri`) could not be fetched. */
export class KeySourceUnavailableError extends KoaJwtError {
  override readonly code = 'temporarily_unavailable';
  override readonly status: number = 503;
  constructor(message = 'The signing keys could not be fetched; try again shortly.', options?: { cause?: unknown }) {
    super(message, { cause: options?.cause, headers: { 'Retry-After': '5' } });
  }
}

// ---- 429: too many requests ------------------------------------------------------------------

/**
 * Too many requests, answered before any password is hashed: failed logins past a `throttle`
 * limit (per username or per client address), refresh or impersonate requests past their
 * per-address limit, or more logins at once than password hashing takes (`hashing`: the
 * short queue is full, or a login waited longer than `hashing.maxWait`). `Retry-After` says
 * when to try again, in seconds (RFC 6585 §4).
 */
export class ThrottledError extends KoaJwtError {
  override readonly code = 'throttled';
  override readonly status: number = 429;
  /** Seconds until the limit lets this request through again. */
  readonly retryAfter: number;
  constructor(message = 'Too many attempts; try again later.', options?: { retryAfter?: number }) {
    const retryAfter = Math.max(1, Math.ceil(options?.retryAfter ?? 1));
    super(message, { headers: { 'Retry-After': String(retryAfter) } });
    this.retryAfter = retryAfter;
  }
}
