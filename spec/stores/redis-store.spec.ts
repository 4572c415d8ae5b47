import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { redisStore } from '../../lib/redis.js';
import type { Store } from '../../lib/stores/store.js';
import { useRedis } from '../helpers/redis-server.js';

// What the Store contract cannot see of redisStore: atomicity across connections, the TTLs
// Redis keeps, the key layout and its prefix.

const MINUTE = 60_000;
const id = (kind: string) => `${kind}-${randomUUID()}`;
/** A time in whole ms a minute or more ahead, as the TTLs are compared to the ms. */
const ahead = (ms: number) => new Date(Date.now() + ms);

describe('redisStore on a real Redis', function () {
  this.timeout(20_000);
  const redis = useRedis();
  const store = (prefix = redis.prefix): Store => redisStore(redis.client(), { prefix });
  const expireTime = (key: string) => redis.client().call('PEXPIRETIME', key).then(Number);

  describe('atomic scripts, across connections', () => {
    it('gives exactly one \'consumed\' to 50 concurrent consumes of one jti from two connections', async () => {
      const [a, b] = [store(), store()];
      const jti = id('refresh');
      await a.refreshTokens.save({ jti, family: id('family'), user: '1', expiresAt: ahead(MINUTE) });
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).refreshTokens.consume(jti, new Date())));
      expect(results.filter((r) => r === 'consumed')).to.have.length(1);
      expect(results.filter((r) => r === 'reused')).to.have.length(49);
    });

    it('counts 100 concurrent hits of one key from two connections as 1..100', async () => {
      const [a, b] = [store(), store()];
      const key = id('login:address');
      const now = new Date();
      const counts = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).attempts!.hit(key, MINUTE, now)));
      expect(counts.map((c) => c.count).sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(new Set(counts.map((c) => c.resetAt.getTime()))).to.deep.equal(new Set([now.getTime() + MINUTE]));
    });

    it('agrees on one secret when 20 first gets of one user race from two connections', async () => {
      const [a, b] = [store(), store()];
      const user = id('user');
      const secrets = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).userSecrets.get(user)));
      expect(new Set(secrets).size).to.equal(1);
    });

    it('inserts one key of 10 concurrent inserts of one kid from two connections', async () => {
      const [a, b] = [store(), store()];
      const kid = id('ES256');
      const key = (n: number) => ({ kid, alg: 'ES256', state: 'next' as const, privateJwk: { kty: 'EC', n }, createdAt: new Date() });
      const inserted = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).signingKeys.insert(key(i))));
      expect(inserted.filter(Boolean)).to.have.length(1);
      const winner = inserted.indexOf(true);
      expect((await a.signingKeys.list()).filter((k) => k.kid === kid).map((k) => k.privateJwk)).to.deep.equal([{ kty: 'EC', n: winner }]);
    });
  });

  describe('TTLs at expiresAt, never earlier', () => {
    it('expires a revocation at its expiresAt, and keeps the later one when added again with an earlier expiry', async () => {
      const s = store();
      const tokenId = id('jti');
      const expiresAt = ahead(10 * MINUTE);
      await s.blacklist.add({ tokenId, expiresAt, blacklistedAt: new Date() });
      expect(await expireTime(`${redis.prefix}{bl}:${tokenId}`)).to.equal(expiresAt.getTime());
      await s.blacklist.add({ tokenId, expiresAt: ahead(MINUTE), blacklistedAt: new Date() });
      expect(await expireTime(`${redis.prefix}{bl}:${tokenId}`)).to.equal(expiresAt.getTime());
      expect(Number(await redis.client().zscore(`${redis.prefix}{bl}#index`, tokenId))).to.equal(expiresAt.getTime());
    });

    it('expires a refresh token at its expiresAt and its family at the latest expiry of its tokens', async () => {
      const s = store();
      const family = id('family');
      const [early, late] = [ahead(MINUTE), ahead(5 * MINUTE)];
      const [first, second] = [id('refresh'), id('refresh')];
      await s.refreshTokens.save({ jti: first, family, user: '1', expiresAt: late });
      await s.refreshTokens.save({ jti: second, family, user: '1', expiresAt: early });
      expect(await expireTime(`${redis.prefix}{rt}:token:${first}`)).to.equal(late.getTime());
      expect(await expireTime(`${redis.prefix}{rt}:token:${second}`)).to.equal(early.getTime());
      expect(await expireTime(`${redis.prefix}{rt}:family:${family}`)).to.equal(late.getTime());
    });

    it('keeps a family revocation until the latest of what it had and what is asked: never shortened', async () => {
      const s = store();
      const family = id('family');
      const [early, late] = [ahead(MINUTE), ahead(5 * MINUTE)];
      await s.refreshTokens.revokeFamily(family, new Date(), late);
      await s.refreshTokens.revokeFamily(family, new Date(), early);
      expect(await expireTime(`${redis.prefix}{rt}:family:${family}`)).to.equal(late.getTime());
      expect(await s.refreshTokens.isFamilyRevoked(family)).to.equal(true);
      const later = ahead(9 * MINUTE);
      await s.refreshTokens.revokeFamily(family, new Date(), later);
      expect(await expireTime(`${redis.prefix}{rt}:family:${family}`)).to.equal(later.getTime());
    });

    it('expires an attempt window at its end; secrets and signing keys never expire', async () => {
      const s = store();
      const key = id('login:username');
      const { resetAt } = await s.attempts!.hit(key, MINUTE, new Date());
      expect(await expireTime(`${redis.prefix}attempts:${key}`)).to.equal(resetAt.getTime());
      const user = id('user');
      await s.userSecrets.get(user);
      expect(await redis.client().pttl(`${redis.prefix}secret:${user}`)).to.equal(-1);
      await s.signingKeys.insert({ kid: id('kid'), alg: 'ES256', state: 'next', privateJwk: 'sealed', createdAt: new Date() });
      expect(await redis.client().pttl(`${redis.prefix}signing-keys`)).to.equal(-1);
    });

    it('trims the revocation index of entries that expired over an hour ago (by Redis\'s clock) on the next add', async () => {
      const s = store();
      const [old, recent, live] = [id('old'), id('recent'), id('live')];
      await s.blacklist.add({ tokenId: old, expiresAt: new Date(Date.now() - 2 * 3600_000), blacklistedAt: new Date() });
      await s.blacklist.add({ tokenId: recent, expiresAt: new Date(Date.now() - MINUTE), blacklistedAt: new Date() });
      await s.blacklist.add({ tokenId: live, expiresAt: ahead(MINUTE), blacklistedAt: new Date() });
      const indexed = await redis.client().zrange(`${redis.prefix}{bl}#index`, 0, -1);
      expect(indexed).to.include.members([recent, live]).and.not.to.include(old);
      expect(await s.blacklist.listSince!(new Date())).to.include(live).and.not.to.include(recent);
    });
  });

  describe('keys', () => {
    it('puts every key under the prefix, in the documented layout', async () => {
      const prefix = `${redis.prefix}layout-${randomUUID()}:`;
      const s = store(prefix);
      await s.blacklist.add({ tokenId: 'j1', expiresAt: ahead(MINUTE), blacklistedAt: new Date() });
      await s.refreshTokens.save({ jti: 'r1', family: 'f1', user: 'u1', expiresAt: ahead(MINUTE) });
      await s.userSecrets.get('u1');
      await s.attempts!.hit('login:username:ada', MINUTE, new Date());
      await s.signingKeys.insert({ kid: 'k1', alg: 'ES256', state: 'next', privateJwk: { kty: 'EC' }, createdAt: new Date() });
      const keys = (await redis.client().keys(`${prefix}*`)).map((k) => k.slice(prefix.length)).sort();
      expect(keys).to.deep.equal(['attempts:login:username:ada', 'secret:u1', 'signing-keys', '{bl}#index', '{bl}:j1', '{rt}:family:f1', '{rt}:token:r1'].sort());
    });

    it('keeps services with two prefixes on one server apart', async () => {
      const [a, b] = [store(`${redis.prefix}a:`), store(`${redis.prefix}b:`)];
      const tokenId = id('jti');
      await a.blacklist.add({ tokenId, expiresAt: ahead(MINUTE), blacklistedAt: new Date() });
      expect(await a.blacklist.isBlacklisted([tokenId])).to.equal(true);
      expect(await b.blacklist.isBlacklisted([tokenId])).to.equal(false);
      expect(await b.blacklist.listSince!(new Date(0))).not.to.include(tokenId);
      const user = id('user');
      expect(await a.userSecrets.get(user)).not.to.equal(await b.userSecrets.get(user));
      const kid = id('kid');
      await a.signingKeys.insert({ kid, alg: 'ES256', state: 'next', privateJwk: { kty: 'EC' }, createdAt: new Date() });
      expect((await b.signingKeys.list()).map((k) => k.kid)).not.to.include(kid);
      expect(await b.signingKeys.insert({ kid, alg: 'ES256', state: 'next', privateJwk: { kty: 'EC' }, createdAt: new Date() })).to.equal(true);
    });

    it('refuses a prefix with a brace (it would move the Redis Cluster hash tags)', () => {
      expect(() => redisStore(redis.client(), { prefix: 'svc{a}:' })).to.throw(TypeError, /prefix/);
    });
  });

  describe('signing keys', () => {
    it('update merges the fields given into the record, and does not bring back a removed key', async () => {
      const s = store();
      const kid = id('kid');
      const createdAt = new Date(Date.now() - MINUTE);
      await s.signingKeys.insert({ kid, alg: 'ES256', state: 'next', privateJwk: 'sealed-envelope', createdAt, activatesAt: createdAt });
      await s.signingKeys.update(kid, { state: 'active' });
      const [found] = (await s.signingKeys.list()).filter((k) => k.kid === kid);
      expect(found).to.deep.equal({ kid, alg: 'ES256', state: 'active', privateJwk: 'sealed-envelope', createdAt, activatesAt: createdAt });
      await s.signingKeys.remove(kid);
      await s.signingKeys.update(kid, { state: 'retired' });
      expect((await s.signingKeys.list()).map((k) => k.kid)).not.to.include(kid);
    });
  });
});

describe('redisStore refuses what is not a string, before any command', () => {
  /** A client that records every command and answers nothing useful: no server needed. */
  function recordingClient() {
    const commands: unknown[][] = [];
    return { commands, client: { call: async (...args: unknown[]) => { commands.push(args); return null; } } };
  }

  const cases: Array<[string, (s: Store) => Promise<unknown>]> = [
    ['blacklist.add tokenId', (s) => s.blacklist.add({ tokenId: 42 as unknown as string, expiresAt: new Date(), blacklistedAt: new Date() })],
    ['blacklist.add user', (s) => s.blacklist.add({ tokenId: 'a', user: { $ne: null } as unknown as string, expiresAt: new Date(), blacklistedAt: new Date() })],
    ['blacklist.isBlacklisted', (s) => s.blacklist.isBlacklisted(['a', null as unknown as string])],
    ['refreshTokens.save family', (s) => s.refreshTokens.save({ jti: 'a', family: 1 as unknown as string, user: '1', expiresAt: new Date() })],
    ['refreshTokens.consume', (s) => s.refreshTokens.consume({} as unknown as string, new Date())],
    ['refreshTokens.revokeFamily', (s) => s.refreshTokens.revokeFamily([] as unknown as string, new Date())],
    ['refreshTokens.isFamilyRevoked', (s) => s.refreshTokens.isFamilyRevoked(undefined as unknown as string)],
    ['userSecrets.get', (s) => s.userSecrets.get(7 as unknown as string)],
    ['userSecrets.rotate', (s) => s.userSecrets.rotate(7 as unknown as string)],
    ['signingKeys.insert', (s) => s.signingKeys.insert({ kid: 1 as unknown as string, alg: 'ES256', state: 'next', privateJwk: {}, createdAt: new Date() })],
    ['signingKeys.update', (s) => s.signingKeys.update(true as unknown as string, { state: 'active' })],
    ['signingKeys.remove', (s) => s.signingKeys.remove(null as unknown as string)],
    ['attempts.hit', (s) => s.attempts!.hit(5 as unknown as string, MINUTE, new Date())],
    ['attempts.undo', (s) => s.attempts!.undo(5 as unknown as string, new Date())],
    ['attempts.reset', (s) => s.attempts!.reset(5 as unknown as string)],
    ['a date that is not a Date', (s) => s.blacklist.add({ tokenId: 'a', expiresAt: Date.now() as unknown as Date, blacklistedAt: new Date() })],
  ];

  for (const [name, call] of cases) {
    it(`${name}: a TypeError, no command sent`, async () => {
      const { commands, client } = recordingClient();
      const s = redisStore(client as never);
      await s.close!(); // the start-up persistence check has sent its commands
      commands.length = 0;
      const err = await call(s).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(TypeError);
      expect(commands).to.deep.equal([]);
    });
  }
});
