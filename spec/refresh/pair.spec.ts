import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { ConfigError, KoaJwtError } from '../../lib/errors.js';
import { testConfig } from '../helpers/app.js';
import { decode, handSign } from '../helpers/tokens.js';
import { flakyStore } from '../helpers/pair-fixture.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { id: '1', username: 'alice' };

/** The error code a promise rejects with (fails the spec when it resolves). */
async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string; status: number }> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(KoaJwtError);
    const e = err as KoaJwtError;
    return { code: e.code, message: e.message, status: e.status };
  }
  throw new Error('expected a rejection');
}

function pairAuth(pair: KoaJwtConfig['refresh'] = { pair: true }, store: Store = memoryStore()) {
  return koaJwt(testConfig({ refresh: pair, store }));
}

describe('pair mode (refresh.pair)', () => {
  describe('issue', () => {
    it('answers an access token and a refresh token, each with its token_type', async () => {
      const auth = pairAuth();
      const result = await auth.issue(alice);
      expect(result.refresh).to.be.a('string');
      expect(decode(result.token).payload.token_type).to.equal('access');
      expect(decode(result.refresh!).payload.token_type).to.equal('refresh');
    });

    it('makes the first refresh jti the family id carried by the access token (orig_jti)', async () => {
      const auth = pairAuth();
      const { token, refresh } = await auth.issue(alice);
      const r = decode(refresh!).payload;
      expect(decode(token).payload.orig_jti).to.equal(r.jti);
      expect(decode(token).payload.orig_iat).to.equal(r.orig_iat);
    });

    it('records the refresh token in store.refreshTokens (jti, family, user, expiresAt)', async () => {
      const store = memoryStore();
      const saved: unknown[] = [];
      const save = store.refreshTokens.save;
      store.refreshTokens.save = async (record) => { saved.push(record); return save(record); };
      const auth = pairAuth({ pair: { expiresIn: 600 }, expiresIn: '7d' }, store);
      const { refresh } = await auth.issue(alice);
      const r = decode(refresh!).payload;
      expect(saved).to.deep.equal([{ jti: r.jti, family: r.jti, user: '1', expiresAt: new Date((r.exp as number) * 1000) }]);
      expect((r.exp as number) - (r.iat as number)).to.equal(600);
    });

    it('answers 503 and no tokens when the store cannot record the refresh token', async () => {
      const { store, fail } = flakyStore();
      const auth = pairAuth({ pair: true }, store);
      fail('hang');
      expect(await codeOf(auth.issue(alice))).to.include({ code: 'temporarily_unavailable', status: 503 });
      fail('reject');
      expect(await codeOf(auth.issue(alice))).to.include({ code: 'temporarily_unavailable', status: 503 });
    });

    it('issues no token_type and no refresh token in single-token mode', async () => {
      const auth = koaJwt(testConfig());
      const result = await auth.issue(alice);
      expect(result.refresh).to.equal(undefined);
      expect(decode(result.token).payload).to.not.have.property('token_type');
      expect(await auth.verify(result.token)).to.include({ user_id: '1' });
    });
  });

  describe('token types', () => {
    it('refuses a refresh token where an access token is expected (token_invalid, says a refresh token was presented)', async () => {
      const auth = pairAuth();
      const { refresh } = await auth.issue(alice);
      const error = await codeOf(auth.verify(refresh!));
      expect(error.code).to.equal('token_invalid');
      expect(error.message).to.match(/refresh token was presented/);
    });

    it('accepts the access token as an access token', async () => {
      const auth = pairAuth();
      const { token } = await auth.issue(alice);
      expect(await auth.verify(token)).to.include({ token_type: 'access', user_id: '1' });
    });

    it('refuses an access token at refresh (token_invalid, says an access token was presented)', async () => {
      const auth = pairAuth();
      const { token } = await auth.issue(alice);
      const error = await codeOf(internalsOf(auth).authority.refresh(token));
      expect(error.code).to.equal('token_invalid');
      expect(error.message).to.match(/access token was presented/);
    });

    it('refuses a single-token-mode token at a pair-mode refresh', async () => {
      const single = koaJwt(testConfig());
      const { token } = await single.issue(alice);
      const error = await codeOf(internalsOf(pairAuth()).authority.refresh(token));
      expect(error.code).to.equal('token_invalid');
      expect(error.message).to.match(/without token_type/);
    });

    it('refuses a pair refresh token at a single-token-mode refresh', async () => {
      const { refresh } = await pairAuth().issue(alice);
      expect((await codeOf(internalsOf(koaJwt(testConfig())).authority.refresh(refresh!))).code).to.equal('token_invalid');
    });
  });

  describe('refresh with rotation', () => {
    it('answers a new access token and a new refresh token of the same family', async () => {
      const auth = pairAuth();
      const first = await auth.issue(alice);
      const family = decode(first.refresh!).payload.jti;
      const next = await internalsOf(auth).authority.refresh(first.refresh!);
      const r = decode(next.refresh!).payload;
      expect(r.token_type).to.equal('refresh');
      expect(r.orig_jti).to.equal(family);
      expect(r.jti).to.not.equal(family);
      expect(decode(next.token).payload).to.include({ token_type: 'access', orig_jti: family });
      expect(await auth.verify(next.token)).to.include({ user_id: '1' });
    });

    it('keeps extra claims across refreshes', async () => {
      const auth = pairAuth();
      const first = await auth.issue(alice, { tenant: 'acme' });
      const next = await internalsOf(auth).authority.refresh(first.refresh!);
      expect(decode(next.token).payload.tenant).to.equal('acme');
      expect(decode(next.refresh!).payload.tenant).to.equal('acme');
    });

    it('refuses a consumed refresh token as reused and revokes the whole family', async () => {
      const auth = pairAuth();
      const first = await auth.issue(alice);
      const second = await internalsOf(auth).authority.refresh(first.refresh!);
      expect(await codeOf(internalsOf(auth).authority.refresh(first.refresh!))).to.include({ code: 'token_reused', message: 'This refresh token was already used; its whole family is now revoked.' });
      // The newest refresh token of the family and the family's access tokens are dead too.
      expect((await codeOf(internalsOf(auth).authority.refresh(second.refresh!))).status).to.equal(401);
      expect((await codeOf(auth.verify(second.token))).code).to.equal('token_revoked');
      expect((await codeOf(auth.verify(first.token))).code).to.equal('token_revoked');
    });

    it('keeps the family revoked in the store until the last token it could still mint has expired', async () => {
      const store = memoryStore();
      const revoked: Array<{ family: string; expiresAt?: Date }> = [];
      const revokeFamily = store.refreshTokens.revokeFamily.bind(store.refreshTokens);
      store.refreshTokens.revokeFamily = (family, now, expiresAt) => {
        revoked.push({ family, ...(expiresAt ? { expiresAt } : {}) });
        return revokeFamily(family, now, expiresAt);
      };
      const auth = pairAuth({ pair: true }, store);
      const first = await auth.issue(alice);
      const second = await internalsOf(auth).authority.refresh(first.refresh!);
      await codeOf(internalsOf(auth).authority.refresh(first.refresh!));
      expect(revoked).to.not.be.empty;
      // At least as long as the newest refresh token lives (exp is in seconds, the store takes a Date).
      for (const { expiresAt } of revoked) expect(expiresAt!.getTime()).to.be.at.least(decode(second.refresh!).payload.exp as number * 1000);
    });

    it('refuses a refresh token it never recorded, though signed with its key (no jti, no orig_iat, not in the store)', async () => {
      const auth = pairAuth();
      const at = Math.floor(Date.now() / 1000);
      const base = { user_id: '1', username: 'alice', iat: at, exp: at + 600, token_type: 'refresh' };
      expect(await codeOf(internalsOf(auth).authority.refresh(handSign({ ...base, orig_iat: at })))).to.include({ code: 'token_invalid', message: 'The refresh token has no id (jti).' });
      expect(await codeOf(internalsOf(auth).authority.refresh(handSign({ ...base, jti: 'j-1' })))).to.include({ code: 'refresh_not_allowed', message: 'This refresh token has no orig_iat and cannot be refreshed.' });
      expect(await codeOf(internalsOf(auth).authority.refresh(handSign({ ...base, jti: 'j-2', orig_iat: at })))).to.include({ code: 'token_revoked', message: 'This refresh token is not known to the token store; log in again.' });
    });

    it('leaves other families alone when one is revoked for reuse', async () => {
      const auth = pairAuth();
      const stolen = await auth.issue(alice);
      const other = await auth.issue(alice);
      await internalsOf(auth).authority.refresh(stolen.refresh!);
      await codeOf(internalsOf(auth).authority.refresh(stolen.refresh!));
      expect(await auth.verify(other.token)).to.include({ user_id: '1' });
      expect((await internalsOf(auth).authority.refresh(other.refresh!)).refresh).to.be.a('string');
    });

    it('without reuseDetection refuses a consumed token but keeps the family', async () => {
      const auth = pairAuth({ pair: { reuseDetection: false } });
      const first = await auth.issue(alice);
      const second = await internalsOf(auth).authority.refresh(first.refresh!);
      expect(await codeOf(internalsOf(auth).authority.refresh(first.refresh!))).to.include({ code: 'token_revoked', message: 'This refresh token was already used; refresh with the newest one.' });
      expect((await internalsOf(auth).authority.refresh(second.refresh!)).refresh).to.be.a('string');
    });

    it('gives exactly one success to ten concurrent refreshes with one token', async () => {
      const auth = pairAuth();
      const { refresh } = await auth.issue(alice);
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => internalsOf(auth).authority.refresh(refresh!)));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
      for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as KoaJwtError).status).to.equal(401);
    });

    it('refuses a refresh token the store does not know', async () => {
      const issuing = pairAuth({ pair: true }, memoryStore());
      const { refresh } = await issuing.issue(alice);
      // Same keys, empty store: e.g. a memory store after a restart.
      const fresh = pairAuth({ pair: true }, memoryStore());
      expect((await codeOf(internalsOf(fresh).authority.refresh(refresh!))).code).to.equal('token_revoked');
    });

    it('refuses every refresh token of a family revoked through the blacklist', async () => {
      const auth = pairAuth();
      const first = await auth.issue(alice);
      const second = await internalsOf(auth).authority.refresh(first.refresh!);
      await internalsOf(auth).authority.revocation.revoke({ payload: decode(first.token).payload as never });
      expect((await codeOf(internalsOf(auth).authority.refresh(second.refresh!))).code).to.equal('token_revoked');
      expect((await codeOf(auth.verify(second.token))).code).to.equal('token_revoked');
    });

    it('answers 503, no tokens, and leaves the token usable when the store cannot consume', async () => {
      const { store, fail } = flakyStore();
      const auth = pairAuth({ pair: true }, store);
      const { refresh } = await auth.issue(alice);
      fail('reject', 'consume');
      expect(await codeOf(internalsOf(auth).authority.refresh(refresh!))).to.include({ code: 'temporarily_unavailable', status: 503 });
      fail('hang', 'consume');
      expect(await codeOf(internalsOf(auth).authority.refresh(refresh!))).to.include({ code: 'temporarily_unavailable', status: 503 });
      fail(false);
      expect((await internalsOf(auth).authority.refresh(refresh!)).refresh).to.be.a('string');
    });

    it('answers 503 and does not consume the token when the store cannot record its successor', async () => {
      const { store, fail } = flakyStore();
      const auth = pairAuth({ pair: true }, store);
      const { refresh } = await auth.issue(alice);
      fail('hang', 'save');
      expect(await codeOf(internalsOf(auth).authority.refresh(refresh!))).to.include({ status: 503 });
      fail(false);
      // Not taken for a reuse: the failed attempt consumed nothing.
      expect((await internalsOf(auth).authority.refresh(refresh!)).refresh).to.be.a('string');
    });
  });

  describe('refresh without rotation', () => {
    it('answers an access token only and keeps the refresh token usable', async () => {
      const auth = pairAuth({ pair: { rotate: false } });
      const { refresh } = await auth.issue(alice);
      const first = await internalsOf(auth).authority.refresh(refresh!);
      const second = await internalsOf(auth).authority.refresh(refresh!);
      expect(first.refresh).to.equal(undefined);
      expect(decode(second.token).payload.token_type).to.equal('access');
    });

    it('refuses the refresh token once its family is revoked', async () => {
      const auth = pairAuth({ pair: { rotate: false } });
      const { token, refresh } = await auth.issue(alice);
      await internalsOf(auth).authority.revocation.revoke({ payload: decode(token).payload as never });
      expect((await codeOf(internalsOf(auth).authority.refresh(refresh!))).code).to.equal('token_revoked');
    });
  });

  describe('config', () => {
    it("refuses pair mode with token.tokenId 'off' (refresh tokens are kept by jti)", () => {
      expect(() => koaJwt(testConfig({ refresh: { pair: true }, token: { tokenId: 'off' } }))).to.throw(ConfigError, /token\.tokenId/);
    });

    it('answers refresh_not_allowed when refresh.allow is false', async () => {
      const auth = pairAuth({ pair: true, allow: false });
      const { refresh } = await auth.issue(alice);
      expect((await codeOf(internalsOf(auth).authority.refresh(refresh!))).code).to.equal('refresh_not_allowed');
    });
  });
});
