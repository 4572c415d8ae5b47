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
export { koaJwt, type KoaJwt } from './koa-jwt.js';
export type { KoaJwtConfig, ResolvedConfig, CookieConfig, RotationConfig, PairConfig, IssueResult, ThrottleConfig, ThrottleLimit, HashingConfig } from './config/types.js';
export type { Duration } from './config/duration.js';
export { resolveConfig } from './config/resolve.js';
export * from './errors.js';
export { Keyring, type KeyInfo, type KeyringChange, type RemoteKeySource } from './keyring/keyring.js';
export { type Key, type KeySpec, type KeyState, thumbprint } from './keyring/key.js';
export { ALGORITHMS, type Algorithm } from './keyring/algorithms.js';
export type { KeyMaterial, JwkObject } from './keyring/material.js';
export type { PublicJwk } from './keyring/jwks.js';
export type { JwtPayload } from './tokens/claims.js';
export type { VerifiedToken } from './tokens/verifier.js';
export type { JwtState } from './middleware/authenticate.js';
export type { RouterOptions } from './routes/router.js';
export type { AuthUser, UserProvider } from './users/provider.js';
export { memoryUsers, type MemoryUserInput } from './users/memory-users.js';
export { hashPassword, verifyPassword, needsRehash } from './users/password.js';
export type { AuthEventMap, AuthEventName, AuthEventListener, AuthEventBase, LoginFailedReason, ErrorSource } from './events.js';
export type { Store, BlacklistStore, BlacklistEntry, RefreshTokenStore, RefreshTokenRecord, UserSecretStore, SigningKeyStore, StoredSigningKey, ConsumeResult, AttemptStore, AttemptCount } from './stores/store.js';
export { memoryStore, type MemoryStoreOptions } from './stores/memory-store.js';
