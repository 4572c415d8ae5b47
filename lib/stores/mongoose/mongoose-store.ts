import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { ConsumeResult, Store, StoredSigningKey } from '../store.js';
import { byFamily, byJti, byKey, byKid, hitPipeline, undoableKey, byTokenId, byTokenIds, byUser, consumableJti, expiredBefore, inForceAt, revokedFamily, str, unrevokedJti } from './filters.js';
import { type SigningKeyDoc, storeModels } from './models.js';

/**
 * A family revoked with no expiresAt is kept this long (pair mode's longest default refresh
 * period), as memoryStore keeps one it knows no token of: its tokens saved by then are stamped
 * revoked themselves and stay so while they exist.
 */
const UNKNOWN_FAMILY_KEEP_MS = 7 * 24 * 3600 * 1000;

const newSecret = () => randomBytes(32).toString('base64url');

const isDuplicateKey = (err: unknown): boolean => (err as { code?: unknown })?.code === 11000;

/** Runs an upsert again once when two concurrent upserts race on a unique index (E11000). */
async function upsert<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return call();
  }
}

const SIGNING_KEY_FIELDS = ['alg', 'state', 'privateJwk', 'createdAt', 'activatesAt', 'retiredAt', 'notAfter'] as const;

function toStoredKey(doc: SigningKeyDoc): StoredSigningKey {
  return {
    kid: doc.kid, alg: doc.alg, state: doc.state, privateJwk: doc.privateJwk, createdAt: doc.createdAt,
    ...(doc.activatesAt ? { activatesAt: doc.activatesAt } : {}),
    ...(doc.retiredAt ? { retiredAt: doc.retiredAt } : {}),
    ...(doc.notAfter ? { notAfter: doc.notAfter } : {}),
  };
}

/**
 * A Store on MongoDB through Mongoose, shared by every instance of a service. Entries expire
 * through TTL indexes; revoking writes are acknowledged before they resolve; consuming a
 * refresh token is one atomic findOneAndUpdate. `timeout` (ms, default 2000) bounds every
 * call: past it the request answers 503 with Retry-After.
 *
 * @example
 * ```ts
 * // Fail store calls at once while MongoDB is down, and say so (docs/stores.md has the whole set-up).
 * const connection = mongoose.createConnection(process.env.MONGODB_URI!, { serverSelectionTimeoutMS: 5000, bufferCommands: false });
 * connection.on('error', (err: Error) => console.error(`MongoDB: ${err.message}`));
 * const auth = koaJwt({ ..., store: mongooseStore(connection, { timeout: 1500 }) });
 * ```
 */
export function mongooseStore(connection: Connection, options: { timeout?: number } = {}): Store {
  const { BlacklistedToken, UserSecret, RefreshToken, RevokedFamily, SigningKey, AttemptCounter } = storeModels(connection);

  return {
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    blacklist: {
      async add(entry) {
        const tokenId = str(entry.tokenId, 'tokenId');
        await upsert(() => BlacklistedToken.updateOne(byTokenId(tokenId), {
          $setOnInsert: {
            tokenId,
            blacklistedAt: entry.blacklistedAt,
            ...(entry.token !== undefined ? { token: str(entry.token, 'token') } : {}),
            ...(entry.user !== undefined ? { user: str(entry.user, 'user') } : {}),
          },
          // $max: a repeat never shortens an entry, whatever order the writes land in.
          $max: { expiresAt: new Date(entry.expiresAt) },
        }, { upsert: true }).exec());
      },
      async isBlacklisted(tokenIds) {
        if (tokenIds.length === 0) return false;
        return (await BlacklistedToken.exists(byTokenIds(tokenIds)).exec()) !== null;
      },
      async deleteStale(now) {
        return (await BlacklistedToken.deleteMany(expiredBefore(now)).exec()).deletedCount ?? 0;
      },
      async listSince(since) {
        const docs = await BlacklistedToken.find(inForceAt(since), { tokenId: 1, _id: 0 }).lean().exec();
        return docs.map((d) => d.tokenId);
      },
    },
    refreshTokens: {
      async save(record) {
        const jti = str(record.jti, 'jti');
        const family = str(record.family, 'family');
        const user = str(record.user, 'user');
        await RefreshToken.replaceOne(byJti(jti), {
          jti, family, user, expiresAt: new Date(record.expiresAt), consumedAt: record.consumedAt ?? null, revokedAt: null,
        }, { upsert: true }).exec();
        // A token saved into a family revoked meanwhile is born revoked. Written first, then
        // checked: a revokeFamily that records the family after this check stamps the token
        // itself, so no order of the two leaves it live.
        const revoked = await RevokedFamily.findOne(byFamily(family), { revokedAt: 1, _id: 0 }).lean().exec();
        if (revoked) await RefreshToken.updateOne(unrevokedJti(jti), { $set: { revokedAt: new Date(revoked.revokedAt) } }).exec();
      },
      async consume(jti, now): Promise<ConsumeResult> {
        // The condition and the write are one operation: of concurrent calls, one matches.
        // returnDocument, not `new`: mongoose 9 warns on every call that still says `new`.
        const won = await RefreshToken.findOneAndUpdate(consumableJti(jti), { $set: { consumedAt: new Date(now) } }, { returnDocument: 'before', projection: { _id: 1 } }).lean().exec();
        if (won) return 'consumed';
        const doc = await RefreshToken.findOne(byJti(jti), { revokedAt: 1, consumedAt: 1 }).lean().exec();
        if (!doc) return 'unknown';
        return doc.revokedAt ? 'revoked' : 'reused';
      },
      async revokeFamily(family, now, expiresAt) {
        const id = str(family, 'family');
        const until = new Date(expiresAt ?? new Date(now).getTime() + UNKNOWN_FAMILY_KEEP_MS);
        // The family itself, first: remembered until `until` even if none of its tokens is
        // saved, or they expire sooner. $max: a later revocation never shortens an earlier one.
        await upsert(() => RevokedFamily.updateOne(byFamily(id), {
          $setOnInsert: { family: id, revokedAt: new Date(now) },
          $max: { expiresAt: until },
        }, { upsert: true }).exec());
        await RefreshToken.updateMany({ ...byFamily(id), revokedAt: null }, { $set: { revokedAt: new Date(now) } }).exec();
      },
      async isFamilyRevoked(family) {
        if ((await RevokedFamily.exists(byFamily(family)).exec()) !== null) return true;
        // A token stamped revoked: its family may have been revoked before families were recorded.
        return (await RefreshToken.exists(revokedFamily(family)).exec()) !== null;
      },
    },
    userSecrets: {
      async get(user) {
        const id = str(user, 'user');
        // One atomic upsert: concurrent first calls agree on one secret.
        const doc = await upsert(() => UserSecret.findOneAndUpdate(byUser(id), { $setOnInsert: { user: id, secret: newSecret(), rotatedAt: new Date() } }, { upsert: true, returnDocument: 'after' }).lean().exec());
        return doc!.secret;
      },
      async rotate(user) {
        const id = str(user, 'user');
        const secret = newSecret();
        await upsert(() => UserSecret.updateOne(byUser(id), { $set: { secret, rotatedAt: new Date() }, $setOnInsert: { user: id } }, { upsert: true }).exec());
        return secret;
      },
    },
    signingKeys: {
      async list() {
        const docs = await SigningKey.find({}).sort({ createdAt: 1 }).lean().exec();
        return docs.map((d) => toStoredKey(d as SigningKeyDoc));
      },
      async insert(key) {
        try {
          await SigningKey.create([{ ...toStoredKey(key), kid: str(key.kid, 'kid') }]);
          return true;
        } catch (err) {
          if (isDuplicateKey(err)) return false;
          throw err;
        }
      },
      async update(kid, fields) {
        const filter = byKid(kid);
        const set: Record<string, unknown> = {};
        for (const name of SIGNING_KEY_FIELDS) if (fields[name] !== undefined) set[name] = fields[name];
        if (Object.keys(set).length > 0) await SigningKey.updateOne(filter, { $set: set }).exec();
      },
      async remove(kid) {
        await SigningKey.deleteOne(byKid(kid)).exec();
      },
    },
    attempts: {
      async hit(key, windowMs, now) {
        // One atomic upsert: n concurrent hits count n (a first-hit race on the unique key is retried once).
        // updatePipeline: mongoose 9 refuses an update pipeline without it (8 passes it to the driver, which sends no such field).
        const doc = await upsert(() => AttemptCounter.findOneAndUpdate(byKey(key), hitPipeline(now, windowMs), { upsert: true, returnDocument: 'after', updatePipeline: true, projection: { count: 1, expiresAt: 1 } }).lean().exec());
        return { count: doc!.count, resetAt: doc!.expiresAt };
      },
      async undo(key, now) {
        await AttemptCounter.updateOne(undoableKey(key, now), { $inc: { count: -1 } }).exec();
      },
      async reset(key) {
        await AttemptCounter.deleteOne(byKey(key)).exec();
      },
    },
  };
}
