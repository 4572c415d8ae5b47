/**
 * koa-jwt-kit: JSON Web Token authentication for Koa.
 *
 * @example
 * ```ts
 * import { koaJwt, memoryUsers } from 'koa-jwt-kit';
 * // MongoDB: import { mongooseStore, mongooseUsers } from 'koa-jwt-kit/mongoose';
 * const auth = koaJwt({ keys: { secret: process.env.JWT_SECRET! }, users: memoryUsers([...]) });
 * ```
 */
export { koaJwt, type KoaJwt, type Authentication } from './koa-jwt.js';
export type { KoaJwtConfig, CookieConfig, RotationConfig, PairConfig, IssueResult, ThrottleConfig, ThrottleLimit, HashingConfig } from './config/types.js';
export type { Duration } from './config/duration.js';
// The error classes, their codes and the JSON body they answer with (docs/http.md); how a code
// maps to a status stays inside the HTTP layer.
export {
  KoaJwtError, ConfigError, KeyInvalidError, KeyNotFoundError, TokenError,
  CredentialsRequiredError, CredentialsBadFormatError, InvalidCredentialsError, TokenExpiredError,
  TokenNotYetValidError, TokenInvalidError, TokenRevokedError, TokenReusedError,
  RefreshExpiredError, UserNotFoundError, AccountDisabledError, InvalidRequestError,
  RefreshNotAllowedError, ForbiddenError, CrossSiteRequestError, CsrfTokenError,
  PayloadTooLargeError, UnsupportedMediaTypeError, NotAvailableError, MethodNotAllowedError,
  TemporarilyUnavailableError, StoreUnavailableError, KeySourceUnavailableError, SigningKeyUnavailableError,
  ThrottledError,
  type KoaJwtErrorCode, type ErrorBody, type StoreCall,
} from './errors.js';
export type { KeyringAdmin as Keyring } from './keyring/keyring-admin.js';
export type { KeyInfo, KeyringChange } from './keyring/keyring.js';
export { type KeySpec, type KeyState, thumbprint } from './keyring/key.js';
export { ALGORITHMS, type Algorithm } from './keyring/algorithms.js';
export type { KeyMaterial, JwkObject } from './keyring/material.js';
export type { PublicJwk } from './keyring/jwks.js';
export type { JwtPayload } from './tokens/claims.js';
export type { JwsHeader } from './tokens/jws.js';
export type { JwtState } from './middleware/authenticate.js';
export type { RouterOptions } from './routes/router.js';
export type { AuthUser, UserProvider } from './users/provider.js';
export { memoryUsers, type MemoryUserInput } from './users/memory-users.js';
export { hashPassword, verifyPassword, needsRehash } from './users/password.js';
export type { AuthEventMap, AuthEventName, AuthEventListener, AuthEventBase, LoginFailedReason, ErrorSource } from './events.js';
export type { Store, BlacklistStore, BlacklistEntry, RefreshTokenStore, RefreshTokenRecord, UserSecretStore, SigningKeyStore, StoredSigningKey, ConsumeResult, AttemptStore, AttemptCount } from './stores/store.js';
export { memoryStore, type MemoryStoreOptions } from './stores/memory-store.js';
