/**
 * Persistence behind koa-jwt-kit: revocations, refresh families, per-user secrets, managed
 * signing keys and login-throttling counters. `memoryStore()` is the embedded default;
 * `mongooseStore(connection)` shares state between every instance of a service. One contract
 * (`storeContract` of koa-jwt-kit/testing) runs against every implementation; docs/stores.md
 * states each rule. In short: ids are strings (anything else is refused), dates go in and come
 * out as `Date`s, an entry stays until its `expiresAt` (removed after it by `deleteStale` or by
 * the engine's own TTL), and a later write never shortens an expiry.
 */

/** One revocation. Keyed on the token id or family id, never on the token string alone. */
export interface BlacklistEntry {
  /** `jti` of the token, its family id (`orig_jti`), or `sha256:<hex>` of a token without jti. */
  tokenId: string;
  /** The token itself, kept only where `token.tokenId` is `off` or `include`. */
  token?: string;
  /** The user id the token belonged to. */
  user?: string;
  /** The latest expiry any token of this family can have: the entry may go after it. */
  expiresAt: Date;
  blacklistedAt: Date;
}

export interface BlacklistStore {
  /** Adds an entry; adding the same tokenId again is not an error (idempotent). */
  add(entry: BlacklistEntry): Promise<void>;
  /** True when any of `tokenIds` is revoked. */
  isBlacklisted(tokenIds: readonly string[]): Promise<boolean>;
  /**
   * The same answer, synchronously, for a store that holds its entries in this process
   * (memoryStore). The revocation check runs on every request: this spares it a promise and a
   * timer (~0.5 µs of a ~10 µs verify). Stores across a network leave it out.
   */
  isBlacklistedNow?(tokenIds: readonly string[]): boolean;
  /**
   * Removes entries whose expiresAt is before `now` (one whose expiresAt equals `now` stays);
   * resolves how many it removed (0 for those the engine had expired itself).
   */
  deleteStale(now: Date): Promise<number>;
  /**
   * The token ids of every entry still in force at `since` (expiresAt at or after it), added through
   * any handle on the same backend: how `blacklist.cache` loads the revocations of every instance.
   */
  listSince?(since: Date): Promise<string[]>;
}

/** One refresh token of pair mode. */
export interface RefreshTokenRecord {
  jti: string;
  family: string;
  user: string;
  expiresAt: Date;
  consumedAt?: Date;
}

export type ConsumeResult = 'consumed' | 'reused' | 'unknown' | 'revoked';

export interface RefreshTokenStore {
  save(record: RefreshTokenRecord): Promise<void>;
  /** Atomically marks `jti` consumed: of concurrent calls with one jti, exactly one gets 'consumed'. */
  consume(jti: string, now: Date): Promise<ConsumeResult>;
  /**
   * Revokes every token of `family`, saved or saved later. `expiresAt`, when given, is the
   * latest expiry any token of the family can have: the revocation holds at least until then,
   * and a later call with an earlier `expiresAt` never shortens it.
   */
  revokeFamily(family: string, now: Date, expiresAt?: Date): Promise<void>;
  isFamilyRevoked(family: string): Promise<boolean>;
}

export interface UserSecretStore {
  /**
   * The user's secret (a string of at least 32 random characters; koa-jwt-kit derives the HS key
   * from it with HMAC-SHA-512), created on first call, atomically: concurrent first calls agree.
   */
  get(user: string): Promise<string>;
  /** Replaces the user's secret: every token signed with the old one stops verifying. */
  rotate(user: string): Promise<string>;
}

/** A managed signing key as the store keeps it (private material encrypted at rest where supported). */
export interface StoredSigningKey {
  kid: string;
  alg: string;
  state: 'next' | 'active' | 'retired';
  /** The private key as a JWK, or an encrypted envelope of it. */
  privateJwk: Record<string, unknown> | string;
  createdAt: Date;
  activatesAt?: Date;
  retiredAt?: Date;
  notAfter?: Date;
}

export interface SigningKeyStore {
  list(): Promise<StoredSigningKey[]>;
  /**
   * Inserts unless a key with this kid exists (then changes nothing); resolves whether it was
   * inserted. Managed rotation derives the kid from the rotation slot, so of instances racing to
   * create a slot's key exactly one wins.
   */
  insert(key: StoredSigningKey): Promise<boolean>;
  /** Sets the fields given and keeps every other field (a merge, never a replacement); an unknown kid is left alone. */
  update(kid: string, fields: Partial<Omit<StoredSigningKey, 'kid'>>): Promise<void>;
  remove(kid: string): Promise<void>;
}

/** How many attempts a key has counted in its current window, and when that window ends. */
export interface AttemptCount {
  count: number;
  resetAt: Date;
}

/**
 * Counters of attempts for `throttle` (failed logins per username and per client address,
 * refresh and impersonate requests per address), kept in the store so that every instance of
 * a service shares them. Fixed windows: the first hit of a key opens a window of `windowMs`;
 * hits inside it add up; the first hit after it opens a new one at 1.
 */
export interface AttemptStore {
  /** Counts one attempt under `key` and resolves the count of its window, this attempt included. Atomic: n concurrent hits count n. */
  hit(key: string, windowMs: number, now: Date): Promise<AttemptCount>;
  /** Takes one attempt back (never below 0): an attempt that turned out to be a successful login. */
  undo(key: string, now: Date): Promise<void>;
  /** Forgets every attempt of `key` (a successful login resets its username's count). */
  reset(key: string): Promise<void>;
}

export interface Store {
  /** How long a check or a write may take before it answers 503 (ms). Default 2000. */
  readonly timeout?: number;
  readonly blacklist: BlacklistStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly userSecrets: UserSecretStore;
  readonly signingKeys: SigningKeyStore;
  /**
   * Attempt counters for `throttle` (on by default: koaJwt refuses to start with a store that
   * lacks them unless `throttle: false`). Optional in the type so that an older store still compiles.
   */
  readonly attempts?: AttemptStore;
  close?(): Promise<void>;
}
