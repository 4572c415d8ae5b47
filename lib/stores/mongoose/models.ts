import { type Connection, type Model, Schema } from 'mongoose';
import type { BlacklistEntry, StoredSigningKey } from '../store.js';

// The Mongoose models of mongooseStore. Collections carry a `koajwt_` prefix so that they
// never collide with an application's own collections on the same connection.

/** A blacklist entry is stored as the Store contract defines it. */
export type BlacklistedTokenDoc = BlacklistEntry;

export interface UserSecretDoc {
  user: string;
  secret: string;
  rotatedAt: Date;
}

export interface RefreshTokenDoc {
  jti: string;
  family: string;
  user: string;
  expiresAt: Date;
  consumedAt: Date | null;
  /** Set on every token of a family when the family is revoked (reuse detection, logout), and on one saved into it later. */
  revokedAt: Date | null;
}

/**
 * A revoked refresh family, kept for itself: the revocation holds until `expiresAt` (the
 * family's latest possible expiry) whether or not any token of the family was saved, and lasts
 * as long as asked even when the family's saved tokens expire sooner.
 */
export interface RevokedFamilyDoc {
  family: string;
  revokedAt: Date;
  expiresAt: Date;
}

/** One attempt counter of `throttle`: a hashed key, its count, and when its window ends. */
export interface AttemptCounterDoc {
  key: string;
  count: number;
  expiresAt: Date;
}

/** A managed signing key is stored as the Store contract defines it. */
export type SigningKeyDoc = StoredSigningKey;

// strict: unknown fields are dropped; strictQuery: unknown fields in a filter are dropped too.
const options = { strict: true, strictQuery: true, versionKey: false } as const;

export const blacklistedTokenSchema = new Schema<BlacklistedTokenDoc>({
  tokenId: { type: String, required: true, unique: true },
  token: { type: String },
  user: { type: String, index: true },
  // TTL index: MongoDB deletes an entry once the family it revokes can have no valid token left.
  expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 0 } },
  blacklistedAt: { type: Date, required: true },
}, { ...options, collection: 'koajwt_blacklisted_tokens' });

export const userSecretSchema = new Schema<UserSecretDoc>({
  user: { type: String, required: true, unique: true },
  secret: { type: String, required: true },
  rotatedAt: { type: Date, required: true },
}, { ...options, collection: 'koajwt_user_secrets' });

export const refreshTokenSchema = new Schema<RefreshTokenDoc>({
  jti: { type: String, required: true, unique: true },
  family: { type: String, required: true, index: true },
  user: { type: String, required: true },
  expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 0 } },
  consumedAt: { type: Date, default: null },
  revokedAt: { type: Date, default: null },
}, { ...options, collection: 'koajwt_refresh_tokens' });

export const revokedFamilySchema = new Schema<RevokedFamilyDoc>({
  family: { type: String, required: true, unique: true },
  revokedAt: { type: Date, required: true },
  // TTL index: MongoDB deletes the record after the family's last token can have expired, never before.
  expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 0 } },
}, { ...options, collection: 'koajwt_revoked_families' });

export const signingKeySchema = new Schema<SigningKeyDoc>({
  kid: { type: String, required: true, unique: true },
  alg: { type: String, required: true },
  state: { type: String, required: true, enum: ['next', 'active', 'retired'] },
  // A private JWK, or an encrypted envelope of it (a string).
  privateJwk: { type: Schema.Types.Mixed, required: true },
  createdAt: { type: Date, required: true },
  activatesAt: { type: Date },
  retiredAt: { type: Date },
  notAfter: { type: Date },
}, { ...options, collection: 'koajwt_signing_keys' });

export const attemptCounterSchema = new Schema<AttemptCounterDoc>({
  key: { type: String, required: true, unique: true },
  count: { type: Number, required: true, min: 0 },
  // TTL index: a counter goes once its window has ended (a later hit would start at 1 anyway).
  expiresAt: { type: Date, required: true, index: { expireAfterSeconds: 0 } },
}, { ...options, collection: 'koajwt_attempt_counters' });

export interface StoreModels {
  BlacklistedToken: Model<BlacklistedTokenDoc>;
  UserSecret: Model<UserSecretDoc>;
  RefreshToken: Model<RefreshTokenDoc>;
  RevokedFamily: Model<RevokedFamilyDoc>;
  SigningKey: Model<SigningKeyDoc>;
  AttemptCounter: Model<AttemptCounterDoc>;
}

/** Model names on the connection, prefixed like the collections. */
export const MODEL_NAMES = {
  BlacklistedToken: 'KoaJwtBlacklistedToken',
  UserSecret: 'KoaJwtUserSecret',
  RefreshToken: 'KoaJwtRefreshToken',
  RevokedFamily: 'KoaJwtRevokedFamily',
  SigningKey: 'KoaJwtSigningKey',
  AttemptCounter: 'KoaJwtAttemptCounter',
} as const;

/**
 * The store's models on `connection`, registered once per connection.
 *
 * @example
 * ```ts
 * const { BlacklistedToken } = storeModels(mongoose.connection);
 * await BlacklistedToken.syncIndexes();
 * ```
 */
export function storeModels(connection: Connection): StoreModels {
  const get = <T>(name: string, schema: Schema<T>): Model<T> => (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
  return {
    BlacklistedToken: get(MODEL_NAMES.BlacklistedToken, blacklistedTokenSchema),
    UserSecret: get(MODEL_NAMES.UserSecret, userSecretSchema),
    RefreshToken: get(MODEL_NAMES.RefreshToken, refreshTokenSchema),
    RevokedFamily: get(MODEL_NAMES.RevokedFamily, revokedFamilySchema),
    SigningKey: get(MODEL_NAMES.SigningKey, signingKeySchema),
    AttemptCounter: get(MODEL_NAMES.AttemptCounter, attemptCounterSchema),
  };
}
