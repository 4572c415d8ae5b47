import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { AttemptCount, ConsumeResult, Store } from '../store.js';
import { DEFAULT_PREFIX, redisKeys } from './redis-keys.js';
import { warnIfRedisKeepsNothing } from './persistence.js';
import {
  ADD_REVOCATION, CONSUME, DELETE_STALE, GET_OR_CREATE_SECRET, HIT, INSERT_SIGNING_KEY, REVOKE_FAMILY,
  type RedisCaller, runScript, SAVE_REFRESH_TOKEN, UNDO, UPDATE_SIGNING_KEY,
} from './scripts.js';
import { allFields, keyFields, markerField, parseKeys } from './signing-keys.js';
import { ms, str, toDate } from './values.js';

export interface RedisStoreOptions {
  /** Put before every key, so that several services can share one server. Default `'koa-jwt-kit:'`; no braces. */
  prefix?: string;
  /** How long each store call may take before the request answers 503 (ms). Default: koaJwt's 2000. */
  timeout?: number;
}

/**
 * A family revoked before any of its tokens was saved, and given no expiry: kept this long
 * (pair mode's longest default refresh period), as memoryStore keeps it.
 */
const UNKNOWN_FAMILY_KEEP_MS = 7 * 24 * 3600 * 1000;

/**
 * How long after its expiry a revocation stays in the index that listSince reads, before an
 * add trims it: long enough for any clock skew between instances and Redis, short enough that
 * the index holds about one hour of expired ids beyond the live ones.
 */
const TRIM_AFTER_MS = 3600 * 1000;

/** Ids per deleteStale script: each batch holds the server for one short script only. */
const DELETE_BATCH = 500;

const newSecret = () => randomBytes(32).toString('base64url');

/** An HGETALL reply as an object, whether the client paired it up already or not. */
function asHash(reply: unknown): Record<string, string> {
  if (!Array.isArray(reply)) return (reply ?? {}) as Record<string, string>;
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) hash[String(reply[i])] = String(reply[i + 1]);
  return hash;
}

/** Resolves when `pending` settles or after `ms`, whichever is first (never rejects). */
function settledWithin(pending: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    pending.then(() => { clearTimeout(timer); resolve(); }, () => { clearTimeout(timer); resolve(); });
  });
}

/**
 * A Store on Redis through an ioredis client (Redis or Cluster), shared by every instance of
 * a service. Every read-then-write is one Lua script (atomic); entries expire through Redis's
 * own TTLs at their `expiresAt`, never earlier; keys of one operation share a hash tag (Redis
 * Cluster works); `prefix` separates services sharing a server. At construction it asks the
 * server whether it keeps anything on disk and warns once when not (a Redis restart would
 * forget every logout). The client stays yours: `close()` does not quit it.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisStore } from 'koa-jwt-kit/redis';
 * const auth = koaJwt({ ..., store: redisStore(new Redis(process.env.REDIS_URL!), { prefix: 'shop:', timeout: 1500 }) });
 * ```
 */
export function redisStore(client: Redis | Cluster, options: RedisStoreOptions = {}): Store {
  const keys = redisKeys(options.prefix ?? DEFAULT_PREFIX);
  if (options.timeout !== undefined && !(Number.isFinite(options.timeout) && options.timeout > 0)) throw new TypeError('redisStore: timeout must be a positive number of ms');
  const redis = client as unknown as RedisCaller;
  const run = (s: Parameters<typeof runScript>[1], k: readonly string[], a: readonly (string | number)[]) => runScript(redis, s, k, a);
  // Started here, never awaited by a request: a server that does not answer INFO delays no one.
  const persistenceChecked = warnIfRedisKeepsNothing(redis);

  return {
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    blacklist: {
      async add(entry) {
        const tokenId = str(entry.tokenId, 'tokenId');
        const user = entry.user === undefined ? undefined : str(entry.user, 'user');
        const token = entry.token === undefined ? undefined : str(entry.token, 'token');
        const args = [tokenId, ms(entry.expiresAt, 'expiresAt'), ms(entry.blacklistedAt, 'blacklistedAt'), user === undefined ? '0' : '1', user ?? '', token === undefined ? '0' : '1', token ?? '', TRIM_AFTER_MS];
        await run(ADD_REVOCATION, [keys.revoked(tokenId), keys.revokedIndex], args);
      },
      async isBlacklisted(tokenIds) {
        const ids = tokenIds.map((id, i) => str(id, `tokenIds[${i}]`));
        if (ids.length === 0) return false;
        // One EXISTS over every id: they share the {bl} tag, so this is one slot on a cluster too.
        return Number(await redis.call('EXISTS', ...ids.map(keys.revoked))) > 0;
      },
      async deleteStale(now) {
        const at = ms(now, 'now');
        const stale = (await redis.call('ZRANGEBYSCORE', keys.revokedIndex, '-inf', `(${at}`)) as string[];
        let removed = 0;
        for (let i = 0; i < stale.length; i += DELETE_BATCH) {
          const ids = stale.slice(i, i + DELETE_BATCH);
          removed += Number(await run(DELETE_STALE, [keys.revokedIndex, ...ids.map(keys.revoked)], [at, ...ids]));
        }
        return removed;
      },
      async listSince(since) {
        // Inclusive: an entry is in force until its expiresAt, as deleteStale keeps it.
        return (await redis.call('ZRANGEBYSCORE', keys.revokedIndex, ms(since, 'since'), '+inf')) as string[];
      },
    },
    refreshTokens: {
      async save(record) {
        const jti = str(record.jti, 'jti');
        const family = str(record.family, 'family');
        const consumedAt = record.consumedAt === undefined ? '' : ms(record.consumedAt, 'consumedAt');
        await run(SAVE_REFRESH_TOKEN, [keys.refreshToken(jti), keys.family(family)], [family, str(record.user, 'user'), ms(record.expiresAt, 'expiresAt'), consumedAt]);
      },
      async consume(jti, now): Promise<ConsumeResult> {
        const key = keys.refreshToken(str(jti, 'jti'));
        const at = ms(now, 'now');
        // The family is read first so that the script names both of its keys (as a cluster
        // requires); the script checks it again, so a record saved anew in between is read again.
        for (;;) {
          const family = (await redis.call('HGET', key, 'family')) as string | null;
          if (family === null) return 'unknown';
          const result = (await run(CONSUME, [key, keys.family(family)], [family, at])) as ConsumeResult | 'moved';
          if (result !== 'moved') return result;
        }
      },
      async revokeFamily(family, now, expiresAt) {
        const id = str(family, 'family');
        const fallback = String(Number(ms(now, 'now')) + UNKNOWN_FAMILY_KEEP_MS);
        await run(REVOKE_FAMILY, [keys.family(id)], [expiresAt === undefined ? '' : ms(expiresAt, 'expiresAt'), fallback]);
      },
      async isFamilyRevoked(family) {
        return (await redis.call('HGET', keys.family(str(family, 'family')), 'revoked')) === '1';
      },
    },
    userSecrets: {
      async get(user) {
        return String(await run(GET_OR_CREATE_SECRET, [keys.userSecret(str(user, 'user'))], [newSecret()]));
      },
      async rotate(user) {
        const secret = newSecret();
        await redis.call('SET', keys.userSecret(str(user, 'user')), secret);
        return secret;
      },
    },
    signingKeys: {
      async list() {
        return parseKeys(asHash(await redis.call('HGETALL', keys.signingKeys)));
      },
      async insert(key) {
        const kid = str(key.kid, 'kid');
        const fields = [markerField(kid), kid, ...keyFields(kid, key)];
        return Number(await run(INSERT_SIGNING_KEY, [keys.signingKeys], [markerField(kid), ...fields])) === 1;
      },
      async update(kid, fields) {
        const id = str(kid, 'kid');
        const pairs = keyFields(id, fields);
        if (pairs.length > 0) await run(UPDATE_SIGNING_KEY, [keys.signingKeys], [markerField(id), ...pairs]);
      },
      async remove(kid) {
        await redis.call('HDEL', keys.signingKeys, ...allFields(str(kid, 'kid')));
      },
    },
    attempts: {
      async hit(key, windowMs, now): Promise<AttemptCount> {
        const counter = keys.attempts(str(key, 'key'));
        if (!Number.isFinite(windowMs) || windowMs <= 0) throw new TypeError('redisStore: windowMs must be a positive number');
        const at = Number(ms(now, 'now'));
        const [count, resetAt] = (await run(HIT, [counter], [String(at), String(at + Math.ceil(windowMs))])) as [number, string];
        return { count: Number(count), resetAt: toDate(resetAt) };
      },
      async undo(key, now) {
        await run(UNDO, [keys.attempts(str(key, 'key'))], [ms(now, 'now')]);
      },
      async reset(key) {
        await redis.call('DEL', keys.attempts(str(key, 'key')));
      },
    },
    async close() {
      // The client belongs to the caller (it may serve other code): only the start-up check is waited for.
      await settledWithin(persistenceChecked, options.timeout ?? 2000);
    },
  };
}
