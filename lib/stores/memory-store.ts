import { randomBytes } from 'node:crypto';
import { createClock } from '../clock.js';
import { memoryAttempts } from './memory-attempts.js';
import { AttemptWindows, heldCounts, type MemoryCounts, type MemoryStoreOptions, timeoutOption } from './memory-bounds.js';
import { ExpiringMap } from './memory-expiring.js';
import { revokedFamilyUntil, sweeper } from './memory-sweep.js';
import { stringId } from './string-id.js';
import type { AttemptStore, BlacklistEntry, ConsumeResult, RefreshTokenRecord, Store, StoredSigningKey } from './store.js';

export type { MemoryStoreOptions } from './memory-bounds.js';

/** memoryStore() with what it holds, for benchmarks and specs. */
export interface MemoryStore extends Store {
  readonly attempts: AttemptStore;
  /**
   * How many entries of each kind are held now (expired ones go within a minute of expiry;
   * attempt counters are at most `maxAttemptKeys`).
   */
  counts(): MemoryCounts;
}

interface Family {
  /** The latest expiry (ms) of any of its tokens saved here, or of its revocation. */
  expiresAt: number;
  revoked: boolean;
}

const memoryStores = new WeakSet<Store>();

/** True for a store built by memoryStore(): its state lives and dies with this process. */
export const isMemoryStore = (store: Store): boolean => memoryStores.has(store);

/**
 * The embedded store: everything in this process's memory. Right for one instance, tests and
 * the demo; state is lost on restart and not shared between instances (use mongooseStore).
 *
 * Bounded: login-throttling counters in count (`maxAttemptKeys`, oldest window first);
 * revocations, refresh tokens and revoked families are freed once they expire, as a
 * TTL index would free them. Each write looks, at most once a minute, for what has expired, in
 * an expiry-ordered queue: O(log n) per entry freed, no scan of every entry. Expiry is judged
 * by the earliest time both clocks allow (lib/clock.ts), so a forward jump of the wall clock
 * frees nothing early.
 *
 * @example
 * ```ts
 * const auth = koaJwt({ ..., store: memoryStore() });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const windows = new AttemptWindows(options.maxAttemptKeys);
  const attempts = memoryAttempts(windows);
  const revoked = new ExpiringMap<BlacklistEntry>((entry) => entry.expiresAt.getTime());
  const refresh = new ExpiringMap<RefreshTokenRecord>((record) => record.expiresAt.getTime());
  const families = new ExpiringMap<Family>((family) => family.expiresAt);
  /** Called by every write: frees what has expired, at most once a minute (lib/stores/memory-sweep.ts). */
  const sweep = sweeper(createClock(), revoked, refresh, families);
  const secrets = new Map<string, string>();
  const keys = new Map<string, StoredSigningKey>();
  const newSecret = () => randomBytes(32).toString('base64url');
  const isBlacklistedNow = (tokenIds: readonly string[]): boolean => {
    for (const id of tokenIds) if (revoked.has(stringId(id))) return true;
    return false;
  };

  /** Keeps the family at least until `until` (ms), creating it when new. */
  function familyUntil(id: string, until: number): Family {
    families.setIfLater(id, { revoked: false, ...families.get(id), expiresAt: until });
    return families.get(id)!;
  }

  const store: MemoryStore = {
    ...timeoutOption(options),
    blacklist: {
      async add(entry) {
        stringId(entry.tokenId);
        if (entry.user !== undefined) stringId(entry.user);
        sweep();
        // Keep the later expiry, so a repeat never shortens an entry.
        revoked.setIfLater(entry.tokenId, { ...entry });
      },
      async isBlacklisted(tokenIds) {
        return isBlacklistedNow(tokenIds);
      },
      isBlacklistedNow,
      async deleteStale(now) {
        return revoked.expire(now.getTime());
      },
      async listSince(since) {
        return [...revoked.values()].filter((e) => e.expiresAt >= since).map((e) => e.tokenId);
      },
    },
    refreshTokens: {
      async save(record) {
        stringId(record.jti);
        stringId(record.family);
        stringId(record.user);
        sweep();
        refresh.set(record.jti, { ...record });
        familyUntil(record.family, record.expiresAt.getTime());
      },
      async consume(jti, now): Promise<ConsumeResult> {
        sweep();
        // Synchronous check-and-set: no await between them, so concurrent calls cannot both win.
        const record = refresh.get(stringId(jti));
        if (!record) return 'unknown';
        if (families.get(record.family)?.revoked) return 'revoked';
        if (record.consumedAt) return 'reused';
        record.consumedAt = now;
        return 'consumed';
      },
      async revokeFamily(family, now, expiresAt) {
        stringId(family);
        sweep();
        familyUntil(family, revokedFamilyUntil(now, expiresAt, families.get(family)?.expiresAt)).revoked = true;
      },
      async isFamilyRevoked(family) {
        return families.get(stringId(family))?.revoked ?? false;
      },
    },
    userSecrets: {
      async get(user) {
        stringId(user);
        let secret = secrets.get(user);
        if (!secret) secrets.set(user, (secret = newSecret()));
        return secret;
      },
      async rotate(user) {
        stringId(user);
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
        if (keys.has(stringId(key.kid))) return false;
        keys.set(key.kid, { ...key });
        return true;
      },
      async update(kid, fields) {
        const key = keys.get(stringId(kid));
        if (key) keys.set(kid, { ...key, ...fields });
      },
      async remove(kid) {
        keys.delete(stringId(kid));
      },
    },
    counts: heldCounts(revoked, refresh, families, windows),
    attempts,
  };
  memoryStores.add(store);
  return store;
}
