import { randomBytes } from 'node:crypto';
import { memoryAttempts } from './memory-attempts.js';
import type { BlacklistEntry, ConsumeResult, RefreshTokenRecord, Store, StoredSigningKey } from './store.js';

/**
 * The embedded store: everything in this process's memory. Right for one instance, tests and
 * the demo; state is lost on restart and not shared between instances (use mongooseStore).
 *
 * @example
 * ```ts
 * const auth = koaJwt({ ..., store: memoryStore() });
 * ```
 */
export function memoryStore(options: { timeout?: number } = {}): Store {
  const revoked = new Map<string, BlacklistEntry>();
  const refresh = new Map<string, RefreshTokenRecord>();
  const revokedFamilies = new Set<string>();
  const secrets = new Map<string, string>();
  const keys = new Map<string, StoredSigningKey>();
  const newSecret = () => randomBytes(32).toString('base64url');
  const isBlacklistedNow = (tokenIds: readonly string[]): boolean => {
    for (const id of tokenIds) if (revoked.has(id)) return true;
    return false;
  };

  return {
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    blacklist: {
      async add(entry) {
        const existing = revoked.get(entry.tokenId);
        // Keep the later expiry, so a repeat never shortens an entry.
        if (!existing || existing.expiresAt < entry.expiresAt) revoked.set(entry.tokenId, { ...entry });
      },
      async isBlacklisted(tokenIds) {
        return isBlacklistedNow(tokenIds);
      },
      isBlacklistedNow,
      async deleteStale(now) {
        let n = 0;
        for (const [id, entry] of revoked) if (entry.expiresAt < now) { revoked.delete(id); n++; }
        return n;
      },
      async listSince(since) {
        return [...revoked.values()].filter((e) => e.expiresAt > since).map((e) => e.tokenId);
      },
    },
    refreshTokens: {
      async save(record) {
        refresh.set(record.jti, { ...record });
      },
      async consume(jti, now): Promise<ConsumeResult> {
        // Synchronous check-and-set: no await between them, so concurrent calls cannot both win.
        const record = refresh.get(jti);
        if (!record) return 'unknown';
        if (revokedFamilies.has(record.family)) return 'revoked';
        if (record.consumedAt) return 'reused';
        record.consumedAt = now;
        return 'consumed';
      },
      async revokeFamily(family) {
        revokedFamilies.add(family);
      },
      async isFamilyRevoked(family) {
        return revokedFamilies.has(family);
      },
    },
    userSecrets: {
      async get(user) {
        let secret = secrets.get(user);
        if (!secret) secrets.set(user, (secret = newSecret()));
        return secret;
      },
      async rotate(user) {
        const secret = newSecret();
        secrets.set(user, secret);
        return secret;
      },
    },
    signingKeys: {
      async list() {
        return [...keys.values()].map((k) => ({ ...k }));
      },
      async insert(key) {
        if (keys.has(key.kid)) return false;
        keys.set(key.kid, { ...key });
        return true;
      },
      async update(kid, fields) {
        const key = keys.get(kid);
        if (key) keys.set(kid, { ...key, ...fields });
      },
      async remove(kid) {
        keys.delete(kid);
      },
    },
    attempts: memoryAttempts(),
  };
}
