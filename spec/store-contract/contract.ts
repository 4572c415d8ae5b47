import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Store, StoredSigningKey } from '../../lib/stores/store.js';
import { refreshTokenCases } from './refresh-tokens.cases.js';

/** How the contract gets a store: `create` gives one with no state left over from earlier tests. */
export interface StoreUnderTest {
  create(): Promise<Store>;
}

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
 * storeContract('memoryStore', { create: async () => memoryStore() });
 * ```
 */
export function storeContract(name: string, subject: StoreUnderTest): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await subject.create();
    });

    // Pair mode's consume / reuse / family-revocation cases, for every store alike.
    refreshTokenCases(() => subject.create());

    describe('blacklist', () => {
      it('answers false for an id never added and true once it is added', async () => {
        const tokenId = id('jti');
        expect(await store.blacklist.isBlacklisted([tokenId])).to.equal(false);
        await store.blacklist.add({ tokenId, user: '1', expiresAt: inDays(1), blacklistedAt: new Date() });
        expect(await store.blacklist.isBlacklisted([tokenId])).to.equal(true);
      });

      it('answers true when any one of several ids (jti, family id) is revoked', async () => {
        const family = id('family');
        await store.blacklist.add({ tokenId: family, expiresAt: inDays(1), blacklistedAt: new Date() });
        expect(await store.blacklist.isBlacklisted([id('jti'), family])).to.equal(true);
        expect(await store.blacklist.isBlacklisted([id('jti'), id('other')])).to.equal(false);
        expect(await store.blacklist.isBlacklisted([])).to.equal(false);
      });

      it('answers isBlacklistedNow, where a store offers it, as isBlacklisted does', async function () {
        if (!store.blacklist.isBlacklistedNow) this.skip(); // optional: only in-process stores have it
        const tokenId = id('jti');
        expect(store.blacklist.isBlacklistedNow!([tokenId])).to.equal(false);
        await store.blacklist.add({ tokenId, expiresAt: inDays(1), blacklistedAt: new Date() });
        expect(store.blacklist.isBlacklistedNow!([id('other'), tokenId])).to.equal(true);
        expect(store.blacklist.isBlacklistedNow!([tokenId])).to.equal(await store.blacklist.isBlacklisted([tokenId]));
      });

      it('accepts the same id twice without an error (idempotent)', async () => {
        const tokenId = id('jti');
        const entry = { tokenId, token: 'a.b.c', expiresAt: inDays(1), blacklistedAt: new Date() };
        await store.blacklist.add(entry);
        await store.blacklist.add(entry);
        await Promise.all([store.blacklist.add(entry), store.blacklist.add(entry), store.blacklist.add(entry)]);
        expect(await store.blacklist.isBlacklisted([tokenId])).to.equal(true);
      });

      it('deleteStale removes entries whose expiresAt has passed and resolves how many', async () => {
        const stale = [id('stale'), id('stale')];
        const live = id('live');
        for (const tokenId of stale) await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date() });
        await store.blacklist.add({ tokenId: live, expiresAt: inDays(1), blacklistedAt: new Date() });
        expect(await store.blacklist.deleteStale(new Date())).to.equal(2);
        expect(await store.blacklist.isBlacklisted(stale)).to.equal(false);
        expect(await store.blacklist.isBlacklisted([live])).to.equal(true);
      });

      it('never shortens an entry\'s expiresAt: adding it again with an earlier one keeps the later', async () => {
        const tokenId = id('jti');
        await store.blacklist.add({ tokenId, expiresAt: inDays(7), blacklistedAt: new Date() });
        await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date() });
        expect(await store.blacklist.deleteStale(new Date())).to.equal(0);
        expect(await store.blacklist.isBlacklisted([tokenId])).to.equal(true);
      });

      it('lengthens an entry\'s expiresAt when added again with a later one', async () => {
        const tokenId = id('jti');
        await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date() });
        await store.blacklist.add({ tokenId, expiresAt: inDays(7), blacklistedAt: new Date() });
        expect(await store.blacklist.deleteStale(new Date())).to.equal(0);
        expect(await store.blacklist.isBlacklisted([tokenId])).to.equal(true);
      });
    });

    describe('refresh families', () => {
      const record = (jti: string, family: string) => ({ jti, family, user: '1', expiresAt: inDays(1) });

      it('of ten concurrent consumes of one jti, exactly one gets \'consumed\' and the rest \'reused\'', async () => {
        const jti = id('refresh');
        await store.refreshTokens.save(record(jti, id('family')));
        const results = await Promise.all(Array.from({ length: 10 }, () => store.refreshTokens.consume(jti, new Date())));
        expect(results.filter((r) => r === 'consumed')).to.have.length(1);
        expect(results.filter((r) => r === 'reused')).to.have.length(9);
      });

      it('answers \'reused\' to a second consume, and \'unknown\' to a jti never saved', async () => {
        const jti = id('refresh');
        await store.refreshTokens.save(record(jti, id('family')));
        expect(await store.refreshTokens.consume(jti, new Date())).to.equal('consumed');
        expect(await store.refreshTokens.consume(jti, new Date())).to.equal('reused');
        expect(await store.refreshTokens.consume(id('never'), new Date())).to.equal('unknown');
      });

      it('revokes a whole family: its tokens answer \'revoked\', other families are untouched', async () => {
        const family = id('family');
        const [a, b, other] = [id('refresh'), id('refresh'), id('refresh')];
        await store.refreshTokens.save(record(a, family));
        await store.refreshTokens.save(record(b, family));
        await store.refreshTokens.save(record(other, id('family')));
        expect(await store.refreshTokens.isFamilyRevoked(family)).to.equal(false);
        await store.refreshTokens.consume(a, new Date());
        await store.refreshTokens.revokeFamily(family, new Date());
        expect(await store.refreshTokens.isFamilyRevoked(family)).to.equal(true);
        expect(await store.refreshTokens.consume(a, new Date())).to.equal('revoked');
        expect(await store.refreshTokens.consume(b, new Date())).to.equal('revoked');
        expect(await store.refreshTokens.consume(other, new Date())).to.equal('consumed');
      });
    });

    describe('user secrets', () => {
      it('creates a secret on first get and answers the same one after', async () => {
        const user = id('user');
        const first = await store.userSecrets.get(user);
        expect(first).to.be.a('string').with.length.of.at.least(32);
        expect(await store.userSecrets.get(user)).to.equal(first);
        expect(await store.userSecrets.get(id('user'))).to.not.equal(first);
      });

      it('agrees on one secret when first gets run concurrently', async () => {
        const user = id('user');
        const secrets = await Promise.all(Array.from({ length: 5 }, () => store.userSecrets.get(user)));
        expect(new Set(secrets).size).to.equal(1);
      });

      it('rotate replaces the secret, and get answers the new one', async () => {
        const user = id('user');
        const before = await store.userSecrets.get(user);
        const rotated = await store.userSecrets.rotate(user);
        expect(rotated).to.not.equal(before);
        expect(await store.userSecrets.get(user)).to.equal(rotated);
      });
    });

    describe('signing keys', () => {
      it('inserts a key once: a duplicate kid resolves false and changes nothing', async () => {
        const kid = id('kid');
        expect(await store.signingKeys.insert(signingKey(kid))).to.equal(true);
        expect(await store.signingKeys.insert(signingKey(kid, { alg: 'RS256' }))).to.equal(false);
        const listed = (await store.signingKeys.list()).filter((k) => k.kid === kid);
        expect(listed).to.have.length(1);
        expect(listed[0]!.alg).to.equal('ES256');
        expect(listed[0]!.privateJwk).to.deep.equal(signingKey(kid).privateJwk);
      });

      it('updates fields of a key and lists every key', async () => {
        const [a, b] = [id('kid'), id('kid')];
        await store.signingKeys.insert(signingKey(a));
        await store.signingKeys.insert(signingKey(b, { state: 'active' }));
        const retiredAt = new Date(Math.floor(Date.now() / 1000) * 1000);
        await store.signingKeys.update(a, { state: 'retired', retiredAt });
        const keys = await store.signingKeys.list();
        const found = keys.find((k) => k.kid === a)!;
        expect(found.state).to.equal('retired');
        expect(found.retiredAt!.getTime()).to.equal(retiredAt.getTime());
        expect(keys.find((k) => k.kid === b)!.state).to.equal('active');
      });

      it('removes a key', async () => {
        const kid = id('kid');
        await store.signingKeys.insert(signingKey(kid));
        await store.signingKeys.remove(kid);
        expect((await store.signingKeys.list()).map((k) => k.kid)).to.not.include(kid);
      });
    });
  });
}
