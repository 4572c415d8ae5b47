import { expect } from 'chai';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { buildApp, testConfig } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { decode, handSign, nowSeconds } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const build = (overrides: KoaJwtConfig = {}) => koaJwt(testConfig(overrides));
const base = () => ({ user_id: '1', username: 'alice', iat: nowSeconds(), exp: nowSeconds() + 60 });

describe('claims', () => {
  describe('the default claim set', () => {
    it('carries user_id, username, iat, exp, jti and orig_iat', async () => {
      const { token } = await build().issue(alice);
      const { payload, header } = decode(token);
      expect(payload).to.have.all.keys('user_id', 'username', 'iat', 'exp', 'jti', 'orig_iat');
      expect(payload).to.include({ user_id: '1', username: 'alice' });
      expect(payload.exp).to.equal((payload.iat as number) + 300);
      expect(payload.orig_iat).to.equal(payload.iat);
      expect(header).to.include({ alg: 'HS256', typ: 'JWT' });
    });

    it('keeps a numeric user id a number', async () => {
      const { payload } = await build().issue({ id: 7, username: 'seven' });
      expect(payload.user_id).to.equal(7);
    });
  });

  describe('token.tokenId', () => {
    it("'off' issues no jti", async () => {
      const { token } = await build({ token: { tokenId: 'off' } }).issue(alice);
      expect(decode(token).payload).not.to.have.property('jti');
    });

    it("'include' issues a fresh uuid4 jti per token", async () => {
      const auth = build({ token: { tokenId: 'include' } });
      const a = decode((await auth.issue(alice)).token).payload.jti;
      const b = decode((await auth.issue(alice)).token).payload.jti;
      expect(a).to.match(UUID4);
      expect(b).to.match(UUID4);
      expect(a).not.to.equal(b);
    });

    it("'include' still accepts a token without jti", async () => {
      expect((await build({ token: { tokenId: 'include' } }).verify(handSign(base()))).username).to.equal('alice');
    });

    it("'require' refuses a token without jti", async () => {
      const auth = build({ token: { tokenId: 'require' } });
      await rejectsWithCode(auth.verify(handSign(base())), 'token_invalid');
      expect((await auth.verify(handSign({ ...base(), jti: 'abc' }))).jti).to.equal('abc');
    });

    it('refuses a jti that is not a string', async () => {
      await rejectsWithCode(build().verify(handSign({ ...base(), jti: { $ne: null } })), 'token_invalid');
    });
  });

  describe('token.includeUserId', () => {
    it('false leaves user_id out', async () => {
      const { token } = await build({ token: { includeUserId: false } }).issue(alice);
      expect(decode(token).payload).not.to.have.property('user_id');
      expect(decode(token).payload.username).to.equal('alice');
    });

    it('false still authenticates the user, by username', async () => {
      const auth = build({ token: { includeUserId: false } });
      const { token } = await auth.issue(alice);
      const { user } = await auth.authenticate(token);
      expect(user).to.include({ id: '1', username: 'alice' });
    });
  });

  describe('orig_iat', () => {
    it('is set when refresh.allow (the default)', async () => {
      const { payload } = await build().issue(alice);
      expect(payload.orig_iat).to.be.a('number');
    });

    it('is left out when refresh.allow is false', async () => {
      const { token } = await build({ refresh: { allow: false } }).issue(alice);
      expect(decode(token).payload).not.to.have.property('orig_iat');
    });
  });

  describe('token.audience', () => {
    it('writes a single audience as a string', async () => {
      const { token } = await build({ token: { audience: 'api' } }).issue(alice);
      expect(decode(token).payload.aud).to.equal('api');
    });

    it('writes several audiences as a list, and accepts a token for any of them', async () => {
      const auth = build({ token: { audience: ['api', 'admin'] } });
      const { token } = await auth.issue(alice);
      expect(decode(token).payload.aud).to.deep.equal(['api', 'admin']);
      expect((await auth.verify(handSign({ ...base(), aud: 'admin' }))).aud).to.equal('admin');
      expect((await auth.verify(handSign({ ...base(), aud: ['other', 'api'] }))).aud).to.deep.equal(['other', 'api']);
    });

    it('refuses a token without aud', async () => {
      await rejectsWithCode(build({ token: { audience: 'api' } }).verify(handSign(base())), 'token_invalid');
    });

    it('refuses a token for a foreign audience', async () => {
      await rejectsWithCode(build({ token: { audience: 'api' } }).verify(handSign({ ...base(), aud: 'elsewhere' })), 'token_invalid');
      await rejectsWithCode(build({ token: { audience: 'api' } }).verify(handSign({ ...base(), aud: ['a', 'b'] })), 'token_invalid');
    });

    it('refuses a malformed aud', async () => {
      await rejectsWithCode(build({ token: { audience: 'api' } }).verify(handSign({ ...base(), aud: 5 })), 'token_invalid');
    });
  });

  describe('token.issuer', () => {
    it('writes iss and accepts its own tokens', async () => {
      const auth = build({ token: { issuer: 'https://auth.invalid' } });
      const { token } = await auth.issue(alice);
      expect(decode(token).payload.iss).to.equal('https://auth.invalid');
      expect((await auth.verify(token)).iss).to.equal('https://auth.invalid');
    });

    it('refuses a token without iss or from another issuer', async () => {
      const auth = build({ token: { issuer: 'https://auth.invalid' } });
      await rejectsWithCode(auth.verify(handSign(base())), 'token_invalid');
      await rejectsWithCode(auth.verify(handSign({ ...base(), iss: 'https://evil.invalid' })), 'token_invalid');
    });
  });

  describe('custom handlers', () => {
    it('token.payload builds the custom claims, under the registered ones', async () => {
      const auth = build({
        token: { payload: (user) => ({ sub: String(user.id), role: 'reader', exp: 1, jti: 'mine', user_id: user.id }) },
      });
      const { token } = await auth.issue(alice);
      const { payload } = decode(token);
      expect(payload).to.include({ sub: '1', role: 'reader', user_id: '1' });
      expect(payload.jti).to.match(UUID4);
      expect(payload.exp).to.be.greaterThan(nowSeconds());
      expect((await auth.verify(token)).role).to.equal('reader');
    });

    it('token.payload may be async', async () => {
      const auth = build({ token: { payload: async (user) => ({ user_id: user.id, username: user.username, async: true }) } });
      expect((await auth.issue(alice)).payload.async).to.equal(true);
    });

    it('token.response shapes the answer of obtain', async () => {
      const { request } = buildApp({
        token: { response: (result) => ({ access_token: result.token, token_type: 'Bearer', user: result.user.username }) },
      });
      const { body } = await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }).expect(201);
      expect(body).to.have.keys('access_token', 'token_type', 'user');
      expect(body.token_type).to.equal('Bearer');
      expect(body.user).to.equal('alice');
    });

    it('extra claims of auth.issue are added, never over the registered ones', async () => {
      const { payload } = await build().issue(alice, { scope: 'read', exp: 1, iat: 1 });
      expect(payload.scope).to.equal('read');
      expect(payload.exp).to.be.greaterThan(nowSeconds());
    });

    it('claims named like Object.prototype members (constructor, toString) are signed as they are', async () => {
      const auth = build();
      const { token } = await auth.issue(alice, { constructor: 'x', toString: 'y', hasOwnProperty: 1 });
      expect(await auth.verify(token)).to.include({ constructor: 'x', toString: 'y', hasOwnProperty: 1 });
    });

    it('a __proto__ claim stays a plain claim', async () => {
      const extra = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
      const { payload } = await build().issue(alice, extra);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect((payload as Record<string, unknown>).polluted).to.equal(undefined);
    });
  });
});
