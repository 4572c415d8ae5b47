import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { mocha } from './mocha.js';
import type { Store, StoredSigningKey } from '../stores/store.js';
import { refreshTokenCases } from './refresh-token-cases.js';

const DAY = 24 * 3600 * 1000;
const inDays = (n: number) => new Date(Date.now() + n * DAY);
const id = (prefix: string) => `${prefix}-${randomUUID()}`;

function signingKey(kid: string, fields: Partial<StoredSigningKey> = {}): StoredSigningKey {
  return { kid, alg: 'ES256', state: 'next', privateJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }, createdAt: new Date(Date.now() - 1000), ...fields };
}

/**
 * The one Store contract: every store implementation runs these specs unchanged.
 *
 * @example
 * ```ts
 * storeContract('memoryStore', () => memoryStore());
 * ```
 */
export function storeContract(name: string, makeStore: () => Store | Promise<Store>): void {
  const { describe, it, beforeEach } = mocha();
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });

    // Pair mode's consume / reuse / family-revocation cases, for every store alike.
    refreshTokenCases(() => makeStore());

    describe('blacklist', () => {
      it('answers false for an id never added and true once it is added', async () => {
        const tokenId = id('jti');
        assert.equal(await store.blacklist.isBlacklisted([tokenId]), false);
        await store.blacklist.add({ tokenId, user: '1', expiresAt: inDays(1), blacklistedAt: new Date() });
        assert.equal(await store.blacklist.isBlacklisted([tokenId]), true);
      });

      it('answers true when any one of several ids (jti, family id) is revoked', async () => {
        const family = id('family');
        await store.blacklist.add({ tokenId: family, expiresAt: inDays(1), blacklistedAt: new Date() });
        assert.equal(await store.blacklist.isBlacklisted([id('jti'), family]), true);
        assert.equal(await store.blacklist.isBlacklisted([id('jti'), id('other')]), false);
        assert.equal(await store.blacklist.isBlacklisted([]), false);
      });

      it('answers isBlacklistedNow, where a store offers it, as isBlacklisted does', async function () {
        if (!store.blacklist.isBlacklistedNow) this.skip(); // optional: only in-process stores have it
        const tokenId = id('jti');
        assert.equal(store.blacklist.isBlacklistedNow!([tokenId]), false);
        await store.blacklist.add({ tokenId, expiresAt: inDays(1), blacklistedAt: new Date() });
        assert.equal(store.blacklist.isBlacklistedNow!([id('other'), tokenId]), true);
        assert.equal(store.blacklist.isBlacklistedNow!([tokenId]), await store.blacklist.isBlacklisted([tokenId]));
      });

      it('accepts the same id twice without an error (idempotent)', async () => {
        const tokenId = id('jti');
        const entry = { tokenId, token: 'a.b.c', expiresAt: inDays(1), blacklistedAt: new Date() };
        await store.blacklist.add(entry);
        await store.blacklist.add(entry);
        await Promise.all([store.blacklist.add(entry), store.blacklist.add(entry), store.blacklist.add(entry)]);
        assert.equal(await store.blacklist.isBlacklisted([tokenId]), true);
      });

      it('deleteStale removes entries whose expiresAt has passed and resolves how many', async () => {
        const stale = [id('stale'), id('stale')];
        const live = id('live');
        for (const tokenId of stale) await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date() });
        await store.blacklist.add({ tokenId: live, expiresAt: inDays(1), blacklistedAt: new Date() });
        assert.equal(await store.blacklist.deleteStale(new Date()), 2);
        assert.equal(await store.blacklist.isBlacklisted(stale), false);
        assert.equal(await store.blacklist.isBlacklisted([live]), true);
      });

      it('never shortens an entry\'s expiresAt: adding it again with an earlier one keeps the later', async () => {
        const tokenId = id('jti');
        await store.blacklist.add({ tokenId, expiresAt: inDays(7), blacklistedAt: new Date() });
        await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date() });
        assert.equal(await store.blacklist.deleteStale(new Date()), 0);
        assert.equal(await store.blacklist.isBlacklisted([tokenId]), true);
      });

      it('lengthens an entry\'s expiresAt when added again with a later one', async () => {
        const tokenId = id('jti');
        await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date() });
        await store.blacklist.add({ tokenId, expiresAt: inDays(7), blacklistedAt: new Date() });
        assert.equal(await store.blacklist.deleteStale(new Date()), 0);
        assert.equal(await store.blacklist.isBlacklisted([tokenId]), true);
      });
    });

    describe('refresh families', () => {
      const record = (jti: string, family: string) => ({ jti, family, user: '1', expiresAt: inDays(1) });

      it('of ten concurrent consumes of one jti, exactly one gets \'consumed\' and the rest \'reused\'', async () => {
        const jti = id('refresh');
        await store.refreshTokens.save(record(jti, id('family')));
        const results = await Promise.all(Array.from({ length: 10 }, () => store.refreshTokens.consume(jti, new Date())));
        assert.equal(results.filter((r) => r === 'consumed').length, 1);
        assert.equal(results.filter((r) => r === 'reused').length, 9);
      });

      it('answers \'reused\' to a second consume, and \'unknown\' to a jti never saved', async () => {
        const jti = id('refresh');
        await store.refreshTokens.save(record(jti, id('family')));
        assert.equal(await store.refreshTokens.consume(jti, new Date()), 'consumed');
        assert.equal(await store.refreshTokens.consume(jti, new Date()), 'reused');
        assert.equal(await store.refreshTokens.consume(id('never'), new Date()), 'unknown');
      });

      it('revokes a whole family: its tokens answer \'revoked\', other families are untouched', async () => {
        const family = id('family');
        const [a, b, other] = [id('refresh'), id('refresh'), id('refresh')];
        await store.refreshTokens.save(record(a, family));
        await store.refreshTokens.save(record(b, family));
        await store.refreshTokens.save(record(other, id('family')));
        assert.equal(await store.refreshTokens.isFamilyRevoked(family), false);
        await store.refreshTokens.consume(a, new Date());
        await store.refreshTokens.revokeFamily(family, new Date());
        assert.equal(await store.refreshTokens.isFamilyRevoked(family), true);
        assert.equal(await store.refreshTokens.consume(a, new Date()), 'revoked');
        assert.equal(await store.refreshTokens.consume(b, new Date()), 'revoked');
        assert.equal(await store.refreshTokens.consume(other, new Date()), 'consumed');
      });
    });

    describe('user secrets', () => {
      it('creates a secret on first get and answers the same one after', async () => {
        const user = id('user');
        const first = await store.userSecrets.get(user);
        assert.equal(typeof first, 'string');
        assert.ok(first.length >= 32, `a secret of at least 32 characters, got ${first.length}`);
        assert.equal(await store.userSecrets.get(user), first);
        assert.notEqual(await store.userSecrets.get(id('user')), first);
      });

      it('agrees on one secret when first gets run concurrently', async () => {
        const user = id('user');
        const secrets = await Promise.all(Array.from({ length: 5 }, () => store.userSecrets.get(user)));
        assert.equal(new Set(secrets).size, 1);
      });

      it('rotate replaces the secret, and get answers the new one', async () => {
        const user = id('user');
        const before = await store.userSecrets.get(user);
        const rotated = await store.userSecrets.rotate(user);
        assert.notEqual(rotated, before);
        assert.equal(await store.userSecrets.get(user), rotated);
      });
    });

    describe('attempt counters (throttle)', () => {
      const MINUTE = 60_000;
      const counters = () => {
        assert.ok(store.attempts, 'this store keeps no attempt counters (store.attempts): koaJwt refuses it unless throttle: false');
        return store.attempts;
      };

      it('counts hits of one key inside its window, and keys apart', async () => {
        const key = id('login:username');
        const now = new Date();
        assert.equal((await counters().hit(key, MINUTE, now)).count, 1);
        assert.equal((await counters().hit(key, MINUTE, now)).count, 2);
        const third = await counters().hit(key, MINUTE, new Date(now.getTime() + 1000));
        assert.equal(third.count, 3);
        assert.equal(third.resetAt.getTime(), now.getTime() + MINUTE, 'the window ends a window after its first hit, not after the last');
        assert.equal((await counters().hit(id('login:username'), MINUTE, now)).count, 1);
      });

      it('counts every one of concurrent hits (atomic)', async () => {
        const key = id('login:address');
        const now = new Date();
        const counts = await Promise.all(Array.from({ length: 10 }, () => counters().hit(key, MINUTE, now)));
        assert.deepEqual(counts.map((c) => c.count).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      });

      it('starts a new window at 1 once the window has ended', async () => {
        const key = id('login:username');
        const now = new Date();
        await counters().hit(key, MINUTE, now);
        await counters().hit(key, MINUTE, now);
        const later = new Date(now.getTime() + MINUTE + 1);
        const next = await counters().hit(key, MINUTE, later);
        assert.equal(next.count, 1);
        assert.equal(next.resetAt.getTime(), later.getTime() + MINUTE);
      });

      it('reset forgets a key; undo takes one hit back, never below zero', async () => {
        const key = id('login:username');
        const now = new Date();
        await counters().hit(key, MINUTE, now);
        await counters().hit(key, MINUTE, now);
        await counters().reset(key);
        assert.equal((await counters().hit(key, MINUTE, now)).count, 1);
        await counters().undo(key, now);
        await counters().undo(key, now);
        assert.equal((await counters().hit(key, MINUTE, now)).count, 1);
        await counters().undo(id('never-hit'), now);
      });
    });

    describe('signing keys', () => {
      it('inserts a key once: a duplicate kid resolves false and changes nothing', async () => {
        const kid = id('kid');
        assert.equal(await store.signingKeys.insert(signingKey(kid)), true);
        assert.equal(await store.signingKeys.insert(signingKey(kid, { alg: 'RS256' })), false);
        const listed = (await store.signingKeys.list()).filter((k) => k.kid === kid);
        assert.equal(listed.length, 1);
        assert.equal(listed[0]!.alg, 'ES256');
        assert.deepEqual(listed[0]!.privateJwk, signingKey(kid).privateJwk);
      });

      it('updates fields of a key and lists every key', async () => {
        const [a, b] = [id('kid'), id('kid')];
        await store.signingKeys.insert(signingKey(a));
        await store.signingKeys.insert(signingKey(b, { state: 'active' }));
        const retiredAt = new Date(Math.floor(Date.now() / 1000) * 1000);
        await store.signingKeys.update(a, { state: 'retired', retiredAt });
        const keys = await store.signingKeys.list();
        const found = keys.find((k) => k.kid === a)!;
        assert.equal(found.state, 'retired');
        assert.equal(found.retiredAt!.getTime(), retiredAt.getTime());
        assert.equal(keys.find((k) => k.kid === b)!.state, 'active');
      });

      it('removes a key', async () => {
        const kid = id('kid');
        await store.signingKeys.insert(signingKey(kid));
        await store.signingKeys.remove(kid);
        assert.ok(!(await store.signingKeys.list()).map((k) => k.kid).includes(kid));
      });
    });
  });
}
