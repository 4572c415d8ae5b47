/**
 * Key names of redisStore. Keys that one operation reads or writes together share a hash tag
 * (`{bl}`, `{rt}`), so that on Redis Cluster they live in one slot and a script may touch them
 * all; keys only ever used alone (a user's secret, an attempt counter, the signing-key hash)
 * carry no tag and spread over the cluster. docs/redis.md shows the whole layout.
 */
export interface RedisKeys {
  /** One revocation (hash: expiresAt, blacklistedAt, user, token), TTL at its expiresAt. */
  revoked(tokenId: string): string;
  /** Every revocation's id, scored by its expiresAt (ms): what listSince and deleteStale read. */
  readonly revokedIndex: string;
  /** One refresh token (hash: family, user, expiresAt, consumedAt), TTL at its expiresAt. */
  refreshToken(jti: string): string;
  /** One refresh family (hash: expiresAt, revoked), TTL at the latest expiry of its tokens. */
  family(family: string): string;
  /** A user's secret (string), no TTL. */
  userSecret(user: string): string;
  /** One attempt window (hash: count, resetAt), TTL at resetAt. */
  attempts(key: string): string;
  /** Every managed signing key, in one hash: field `<name>:<kid>` (a field name holds no colon). */
  readonly signingKeys: string;
}

export const DEFAULT_PREFIX = 'koa-jwt-kit:';

/**
 * The keys under `prefix`. A prefix with a brace is refused: Redis Cluster hashes the first
 * `{...}` of a key, so a brace in the prefix would replace the tags that keep an operation's
 * keys in one slot.
 *
 * @example
 * ```ts
 * redisKeys('koa-jwt-kit:').revoked('jti-1'); // 'koa-jwt-kit:{bl}:jti-1'
 * ```
 */
export function redisKeys(prefix: string = DEFAULT_PREFIX): RedisKeys {
  if (typeof prefix !== 'string') throw new TypeError(`redisStore: prefix must be a string, got ${typeof prefix}`);
  if (/[{}]/.test(prefix)) throw new TypeError(`redisStore: prefix must not contain { or } (they would change the Redis Cluster hash tags), got ${JSON.stringify(prefix)}`);
  return {
    revoked: (tokenId) => `${prefix}{bl}:${tokenId}`,
    // `#` cannot clash with a revocation: its key is `{bl}:` followed by the id.
    revokedIndex: `${prefix}{bl}#index`,
    refreshToken: (jti) => `${prefix}{rt}:token:${jti}`,
    family: (family) => `${prefix}{rt}:family:${family}`,
    userSecret: (user) => `${prefix}secret:${user}`,
    attempts: (key) => `${prefix}attempts:${key}`,
    signingKeys: `${prefix}signing-keys`,
  };
}
