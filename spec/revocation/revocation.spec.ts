import { createHash } from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { BlacklistEntry, Store } from '../../lib/stores/store.js';
import { testConfig } from '../helpers/app.js';
import { decode, handSign, nowSeconds } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { id: '1', username: 'alice' };

/** A memory store that also records every entry added. */
function recordingStore(): { store: Store; added: BlacklistEntry[] } {
  const inner = memoryStore();
  const added: BlacklistEntry[] = [];
  const store: Store = { ...inner, blacklist: { ...inner.blacklist, add: async (e) => { added.push({ ...e }); return inner.blacklist.add(e); } } };
  return { store, added };
}

/** `inner` with its blacklist.add and refreshTokens.revokeFamily each answering after `delayMs` (a setTimeout, so fake timers drive it). */
function slowWrites(inner: Store, delayMs: number): Store {
  const later = <T>(call: () => Promise<T>) => new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(call);
  return {
    ...inner,
    blacklist: { ...inner.blacklist, add: (entry) => later(() => inner.blacklist.add(entry)) },
    refreshTokens: { ...inner.refreshTokens, revokeFamily: (...args) => later(() => inner.refreshTokens.revokeFamily(...args)) },
  };
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; status?: number }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('revocation', () => {
  describe('the entry\'s expiresAt', () => {
    it('is the family\'s latest possible expiry: orig_iat + refresh.expiresIn + the token lifetime + leeway', async () => {
      const { store, added } = recordingStore();
      const auth = koaJwt(testConfig({ store, token: { expiresIn: 300, leeway: 10 }, refresh: { expiresIn: 3600 } }));
      const { token, payload } = await auth.issue(alice);
      await auth.blacklist(token);
      expect(added).to.have.length(1);
      expect(added[0]!.expiresAt.getTime()).to.equal(((payload.orig_iat as number) + 3600 + 300 + 10) * 1000);
    });

    it('outlives a sibling refreshed at the last moment of the family', async () => {
      const { store, added } = recordingStore();
      const auth = koaJwt(testConfig({ store, token: { expiresIn: 300 }, refresh: { expiresIn: 3600 } }));
      const at = nowSeconds();
      // The first token of a family that began almost an hour ago; a refresh now gives exp = now + 300.
      const old = handSign({ user_id: '1', username: 'alice', iat: at - 3500, exp: at + 60, orig_iat: at - 3590, jti: 'fam-1' });
      const sibling = await internalsOf(auth).authority.refresh(old);
      await auth.blacklist(old);
      expect(added[0]!.expiresAt.getTime() / 1000).to.be.at.least(sibling.payload.exp);
    });

    it('is never earlier than the token\'s own exp', async () => {
      const { store, added } = recordingStore();
      const auth = koaJwt(testConfig({ store, refresh: { allow: false }, token: { expiresIn: 600 } }));
      const { token, payload } = await auth.issue(alice);
      await auth.blacklist(token);
      expect(added[0]!.expiresAt.getTime()).to.equal(payload.exp * 1000);
    });

    it('is never shortened by a later revocation of the same family', async () => {
      const store = memoryStore();
      const auth = koaJwt(testConfig({ store, blacklist: { deleteStale: true } }));
      const { token, payload } = await auth.issue(alice);
      await auth.blacklist(token);
      await store.blacklist.add({ tokenId: payload.jti as string, expiresAt: new Date(0), blacklistedAt: new Date() });
      await auth.blacklist(token);
      expect(await store.blacklist.isBlacklisted([payload.jti as string])).to.equal(true);
    });
  });

  describe('what is stored', () => {
    it('keeps the token and its user where tokenId is include', async () => {
      const { store, added } = recordingStore();
      const auth = koaJwt(testConfig({ store }));
      const { token } = await auth.issue(alice);
      await auth.blacklist(token);
      expect(added[0]).to.include({ tokenId: decode(token).payload.jti, token, user: '1' });
    });

    it('stores only ids, never the token, with tokenId require', async () => {
      const { store, added } = recordingStore();
      const auth = koaJwt(testConfig({ store, token: { tokenId: 'require' } }));
      const { token } = await auth.issue(alice);
      await auth.blacklist(token);
      expect(added[0]).to.not.have.property('token');
      expect(added[0]!.tokenId).to.equal(decode(token).payload.jti);
    });

    it('keys a tokenId-off token on the family id it carries from its first token on (orig_jti)', async () => {
      const { store, added } = recordingStore();
      const auth = koaJwt(testConfig({ store, token: { tokenId: 'off' } }));
      const { token } = await auth.issue(alice);
      const { payload } = decode(token);
      expect(payload).to.not.have.property('jti');
      expect(payload.orig_jti).to.be.a('string');
      expect(await auth.blacklist(token)).to.equal(payload.orig_jti);
      expect(added[0]!.tokenId).to.equal(payload.orig_jti);
    });

    it('matches a token without jti or family (tokenId off, no refresh) by sha256:<hex of its signing input>', async () => {
      const { store, added } = recordingStore();
      const auth = koaJwt(testConfig({ store, token: { tokenId: 'off' }, refresh: { allow: false } }));
      const { token } = await auth.issue(alice);
      expect(decode(token).payload).to.not.have.any.keys('jti', 'orig_jti');
      const id = await auth.blacklist(token);
      expect(id).to.equal(`sha256:${createHash('sha256').update(token.slice(0, token.lastIndexOf('.'))).digest('hex')}`);
      expect(added[0]!.tokenId).to.equal(id);
      expect((await rejection(auth.verify(token))).code).to.equal('token_revoked');
    });

    it('matches a foreign token without jti by its hash with tokenId include', async () => {
      const auth = koaJwt(testConfig());
      const token = handSign({ user_id: '1', username: 'alice', iat: nowSeconds(), exp: nowSeconds() + 60 });
      await auth.verify(token);
      await auth.blacklist(token);
      expect((await rejection(auth.verify(token))).code).to.equal('token_revoked');
    });

    it('refuses to revoke a payload that has no jti (nothing to key the entry on)', async () => {
      const auth = koaJwt(testConfig({ token: { tokenId: 'off' }, refresh: { allow: false } }));
      const { payload } = await auth.issue(alice);
      expect((await rejection(auth.blacklist(payload as never))).code).to.equal('invalid_request');
    });
  });

  describe('blacklist.deleteStale', () => {
    it('removes expired entries when a new one is added', async () => {
      const store = memoryStore();
      await store.blacklist.add({ tokenId: 'stale', expiresAt: new Date(Date.now() - 1000), blacklistedAt: new Date() });
      const auth = koaJwt(testConfig({ store, blacklist: { deleteStale: true } }));
      await auth.blacklist((await auth.issue(alice)).token);
      expect(await store.blacklist.isBlacklisted(['stale'])).to.equal(false);
    });

    it('keeps expired entries when off (the default)', async () => {
      const store = memoryStore();
      await store.blacklist.add({ tokenId: 'stale', expiresAt: new Date(Date.now() - 1000), blacklistedAt: new Date() });
      const auth = koaJwt(testConfig({ store }));
      await auth.blacklist((await auth.issue(alice)).token);
      expect(await store.blacklist.isBlacklisted(['stale'])).to.equal(true);
    });
  });

  describe('store deadlines', () => {
    let clock: sinon.SinonFakeTimers | undefined;
    afterEach(() => clock?.restore());

    it('gives each store call of a pair-mode logout its own store.timeout: two calls of 0.6 × the timeout each are acknowledged', async () => {
      const inner = memoryStore({ timeout: 100 });
      const auth = koaJwt(testConfig({ store: slowWrites(inner, 60), refresh: { pair: true } }));
      const { token, refresh } = await auth.issue(alice);
      const family = decode(refresh!).payload.jti as string;
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      let outcome: unknown;
      auth.blacklist(token).then((id) => { outcome = id; }, (err: unknown) => { outcome = err; });
      await clock.tickAsync(60 + 60);
      expect(outcome, 'the logout is acknowledged, not a 503').to.equal(family);
      expect(await inner.blacklist.isBlacklisted([family])).to.equal(true);
      expect(await inner.refreshTokens.isFamilyRevoked(family)).to.equal(true);
    });
  });
});
