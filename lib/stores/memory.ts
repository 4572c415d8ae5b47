import { randomBytes } from 'node:crypto';
import { createClock } from '../clock.js';
import { ExpiryQueue } from './expiry-queue.js';
import { memoryAttempts } from './memory-attempts.js';
import { stringId } from './string-id.js';
import type { AttemptStore, BlacklistEntry, ConsumeResult, RefreshTokenRecord, Store, StoredSigningKey } from './store.js';

/** How often expired entries are looked for: as MongoDB's TTL monitor, about once a minute. */
const SWEEP_EVERY_MS = 60_000;

/**
 * A family revoked before any of its tokens was saved here, and given no expiry: kept this
 * long (pair mode's longest default refresh period), since no token of it can outlive that.
 */
const UNKNOWN_FAMILY_KEEP_MS = 7 * 24 * 3600 * 1000;

/** memoryStore() with what it holds, for benchmarks and specs. */
export interface MemoryStore extends Store {
  readonly attempts: AttemptStore;
  /**
   * How many entries of each kind are held now (expired ones go within a minute of expiry;
   * attempt counters are at most `maxAttemptKeys`).
   */
  counts(): { revoked: number; refreshTokens: number; families: number; attemptKeys: number };
}

export interface MemoryStoreOptions {
  /** How long a store call may take before the request answers 503 (ms). Default 2000. */
  timeout?: number;
  /**
   * The most login-throttling counters held at once (default 100 000, ~25 MB). Past it, the
   * counter whose window opened first is forgotten: a flood of distinct usernames cannot grow
   * the heap, at the price of forgetting the oldest counts while it lasts.
   */
  maxAttemptKeys?: number;
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
  const clock = createClock();
  const attempts = memoryAttempts({ maxKeys: options.maxAttemptKeys });
  const revoked = new Map<string, BlacklistEntry>();
  const refresh = new Map<string, RefreshTokenRecord>();
  const families = new Map<string, Family>();
  const revokedQueue = new ExpiryQueue();
  const refreshQueue = new ExpiryQueue();
  const familyQueue = new ExpiryQueue();
  const secrets = new Map<string, string>();
  const keys = new Map<string, StoredSigningKey>();
  const newSecret = () => randomBytes(32).toString('base64url');
  const isBlacklistedNow = (tokenIds: readonly string[]): boolean => {
    for (const id of tokenIds) if (revoked.has(stringId(id))) return true;
    return false;
  };

  /** Deletes revocations that expired before `now`; a key pushed again with a later expiry is skipped. */
  function expireRevoked(now: number): number {
    let n = 0;
    revokedQueue.popBefore(now, (id) => {
      const entry = revoked.get(id);
      if (entry && entry.expiresAt.getTime() < now) { revoked.delete(id); n++; }
    });
    return n;
  }

  let sweptAt = clock.monotonic();
  /** Called by every write: frees what has expired, at most once a minute. */
  function sweep(): void {
    const t = clock.monotonic();
    if (t - sweptAt < SWEEP_EVERY_MS) return;
    sweptAt = t;
    const now = clock.earliestNow();
    expireRevoked(now);
    refreshQueue.popBefore(now, (jti) => {
      const record = refresh.get(jti);
      if (record && record.expiresAt.getTime() < now) refresh.delete(jti);
    });
    familyQueue.popBefore(now, (id) => {
      const family = families.get(id);
      if (family && family.expiresAt < now) families.delete(id);
    });
  }

  /** Extends the family's life to `until` (ms), creating it when new. */
  function familyUntil(id: string, until: number): Family {
    const known = families.get(id);
    if (known && known.expiresAt >= until) return known;
    const family = known ?? { expiresAt: until, revoked: false };
    family.expiresAt = until;
    families.set(id, family);
    familyQueue.push(until, id);
    return family;
  }

  const store: MemoryStore = {
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    blacklist: {
      async add(entry) {
        stringId(entry.tokenId);
        if (entry.user !== undefined) stringId(entry.user);
        sweep();
        const existing = revoked.get(entry.tokenId);
        // Keep the later expiry, so a repeat never shortens an entry.
        if (!existing || existing.expiresAt < entry.expiresAt) {
          revoked.set(entry.tokenId, { ...entry });
          revokedQueue.push(entry.expiresAt.getTime(), entry.tokenId);
        }
      },
      async isBlacklisted(tokenIds) {
        return isBlacklistedNow(tokenIds);
      },
      isBlacklistedNow,
      async deleteStale(now) {
        return expireRevoked(now.getTime());
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
        refreshQueue.push(record.expiresAt.getTime(), record.jti);
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
        const known = families.get(family);
        const until = expiresAt?.getTime() ?? (known ? known.expiresAt : now.getTime() + UNKNOWN_FAMILY_KEEP_MS);
        familyUntil(family, until).revoked = true;
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
    counts: () => ({ revoked: revoked.size, refreshTokens: refresh.size, families: families.size, attemptKeys: attempts.size }),
    attempts,
  };
  memoryStores.add(store);
  return store;
}
