import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import { ForbiddenError } from '../../lib/errors.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import sinon from 'sinon';
import { memoryUsers } from '../../lib/users/memory-users.js';
import { buildApp, testConfig, testUsers } from '../helpers/app.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { handSign, nowSeconds } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };
const claims = (extra: Record<string, unknown> = {}) => ({ user_id: '1', username: 'alice', iat: nowSeconds(), exp: nowSeconds() + 60, ...extra });

describe('middleware', () => {
  describe('failure codes', () => {
    const { request } = buildApp();

    const expect401 = async (authorization: string | undefined, code: string) => {
      const req = request.get('/me');
      if (authorization !== undefined) req.set('Authorization', authorization);
      const res = await req.expect(401).expect('Content-Type', /json/);
      expect(res.body.error).to.equal(code);
      expect(res.body.error_description).to.be.a('string').and.not.equal('');
      expect(res.headers['www-authenticate']).to.match(/^Bearer realm="api"/);
      return res;
    };

    it('credentials_required without a token, with a bare challenge', async () => {
      const res = await expect401(undefined, 'credentials_required');
      expect(res.headers['www-authenticate']).to.equal('Bearer realm="api"');
    });

    it('credentials_bad_format for "Bearer" alone', async () => {
      await expect401('Bearer', 'credentials_bad_format');
    });

    it('credentials_bad_format for "Bearer " with nothing after it', async () => {
      await expect401('Bearer ', 'credentials_bad_format');
    });

    it('credentials_bad_format for "Bearer a b"', async () => {
      await expect401('Bearer a b', 'credentials_bad_format');
    });

    it('token_expired, with error="invalid_token" in the challenge', async () => {
      const res = await expect401(`Bearer ${handSign(claims({ iat: nowSeconds() - 120, exp: nowSeconds() - 60 }))}`, 'token_expired');
      expect(res.headers['www-authenticate']).to.match(/^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/);
    });

    it('token_not_yet_valid', async () => {
      await expect401(`Bearer ${handSign(claims({ nbf: nowSeconds() + 60 }))}`, 'token_not_yet_valid');
    });

    it('token_invalid for a bad signature', async () => {
      const token = handSign(claims(), { key: 'x'.repeat(32) });
      const res = await expect401(`Bearer ${token}`, 'token_invalid');
      expect(res.headers['www-authenticate']).to.contain('error="invalid_token"');
    });

    it('user_not_found for a token of a user that does not exist', async () => {
      await expect401(`Bearer ${handSign(claims({ user_id: '999' }))}`, 'user_not_found');
    });

    it('account_disabled for a token of an inactive user', async () => {
      await expect401(`Bearer ${handSign(claims({ user_id: '2', username: 'bob' }))}`, 'account_disabled');
    });

    it('answers no-store', async () => {
      const res = await request.get('/me').expect(401);
      expect(res.headers['cache-control']).to.equal('no-store');
    });
  });

  describe('never a 500 for what a client can send', () => {
    const { request } = buildApp();
    // Tokens as [title, mint]: signed when their spec runs, so that none has expired by then.
    const hostile: Array<string | [string, () => string]> = [
      'Bearer .', 'Bearer ..', 'Bearer a.b.c', 'Bearer a.b.c.d', 'Bearer ' + 'a'.repeat(9000), // over token.maxLength, under Node's header limit
      `Bearer ${Buffer.from('{"alg":"HS256"').toString('base64url')}.e30.sig`,
      `Bearer ${Buffer.from('[]').toString('base64url')}.e30.sig`,
      `Bearer ${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('"text"').toString('base64url')}.sig`,
      ['alg none', () => `Bearer ${handSign(claims(), { alg: 'none' })}`],
      ['crit exp', () => `Bearer ${handSign(claims(), { header: { crit: ['exp'] } })}`],
      ['a jku header', () => `Bearer ${handSign(claims(), { header: { jku: 'http://127.0.0.1:1/jwks' } })}`],
      ['a kid that is an array', () => `Bearer ${handSign(claims(), { header: { kid: ['a'] } })}`],
      ['user_id {"$ne":null}', () => `Bearer ${handSign(claims({ user_id: { $ne: null } }))}`],
      ['user_id __proto__', () => `Bearer ${handSign(claims({ user_id: '__proto__' }))}`],
      ['exp 1e300', () => `Bearer ${handSign(claims({ exp: 1e300 }))}`],
      ['a payload that is an array', () => `Bearer ${handSign([1, 2] as never)}`],
      ['RS256 by an unknown key', () => `Bearer ${handSign(claims(), { key: keyPair('rsa').privateKey, alg: 'RS256' })}`],
      'Bearer \u00e9\u00e9.\u00e9.\u00e9',
      ['an empty kid', () => `Bearer ${handSign(claims(), { header: { kid: '' } })}`],
      ['b64 false', () => `Bearer ${handSign(claims(), { header: { b64: false } })}`],
      ['an embedded jwk', () => `Bearer ${handSign(claims(), { header: { jwk: { kty: 'oct', k: 'AAAA' } } })}`],
      ['a null payload', () => `Bearer ${handSign(null as never)}`],
      ['exp -1', () => `Bearer ${handSign(claims({ exp: -1 }))}`],
      ['a username that is an array', () => `Bearer ${handSign(claims({ username: ['alice'] }))}`],
    ];
    for (const entry of hostile) {
      const [title, authorization] = typeof entry === 'string' ? [JSON.stringify(entry.slice(0, 60)), () => entry] : entry;
      it(`401 for ${title}`, async () => {
        const res = await request.get('/me').set('Authorization', authorization());
        expect(res.status, JSON.stringify(res.body)).to.equal(401);
        expect(res.body.error).to.be.a('string');
      });
    }
  });

  describe('auth.optional()', () => {
    const { request, auth } = buildApp();

    it('lets an anonymous request through with no user', async () => {
      const res = await request.get('/maybe').expect(200);
      expect(res.body).to.deep.equal({ user: null, jwt: null });
    });

    it('authenticates when a good token is present', async () => {
      const { token } = await auth.issue(alice);
      const res = await request.get('/maybe').set('Authorization', `Bearer ${token}`).expect(200);
      expect(res.body.user.username).to.equal('alice');
    });

    it('still answers 401 for a present but bad token', async () => {
      const res = await request.get('/maybe').set('Authorization', `Bearer ${handSign(claims({ exp: nowSeconds() - 1 }))}`).expect(401);
      expect(res.body.error).to.equal('token_expired');
    });

    it('still answers 401 for "Bearer" alone', async () => {
      await request.get('/maybe').set('Authorization', 'Bearer').expect(401);
    });

    it('lets a Basic header through anonymously', async () => {
      const res = await request.get('/maybe').set('Authorization', 'Basic YWxpY2U6cGFzc3dvcmQ=').expect(200);
      expect(res.body.user).to.equal(null);
    });
  });

  describe('other schemes', () => {
    it('leaves a Basic header to other middleware (anonymous: credentials_required)', async () => {
      const { request } = buildApp();
      const res = await request.get('/me').set('Authorization', 'Basic YWxpY2U6cGFzc3dvcmQ=').expect(401);
      expect(res.body.error).to.equal('credentials_required');
    });

    it('does not read a token from the query string', async () => {
      const { request, auth } = buildApp();
      const { token } = await auth.issue(alice);
      await request.get(`/me?token=${token}&access_token=${token}`).expect(401);
    });
  });

  describe('header.prefix', () => {
    const { request, auth } = buildApp({ header: { prefix: 'JWT' } });

    it('reads the configured scheme, case-insensitively', async () => {
      const { token } = await auth.issue(alice);
      await request.get('/me').set('Authorization', `JWT ${token}`).expect(200);
      await request.get('/me').set('Authorization', `jwt ${token}`).expect(200);
    });

    it('treats Bearer as another scheme then', async () => {
      const { token } = await auth.issue(alice);
      const res = await request.get('/me').set('Authorization', `Bearer ${token}`).expect(401);
      expect(res.body.error).to.equal('credentials_required');
    });
  });

  describe('cookie transport', () => {
    const { request, auth } = buildApp({ cookie: 'jwt' });

    it('reads the token from the configured cookie', async () => {
      const { token } = await auth.issue(alice);
      const res = await request.get('/me').set('Cookie', `jwt=${token}`).expect(200);
      expect(res.body.jwt.source).to.equal('cookie');
    });

    it('prefers the Authorization header over the cookie', async () => {
      const { token } = await auth.issue(alice);
      const bad = handSign(claims({ exp: nowSeconds() - 1 }));
      const res = await request.get('/me').set('Authorization', `Bearer ${token}`).set('Cookie', `jwt=${bad}`).expect(200);
      expect(res.body.jwt.source).to.equal('header');
      const res2 = await request.get('/me').set('Authorization', `Bearer ${bad}`).set('Cookie', `jwt=${token}`).expect(401);
      expect(res2.body.error).to.equal('token_expired');
    });

    it('answers 401 for a bad token in the cookie', async () => {
      const res = await request.get('/me').set('Cookie', 'jwt=garbage').expect(401);
      expect(res.body.error).to.equal('token_invalid');
    });

    it('ignores cookies when no cookie is configured', async () => {
      const plain = buildApp();
      const { token } = await plain.auth.issue(alice);
      await plain.request.get('/me').set('Cookie', `jwt=${token}`).expect(401);
    });
  });

  describe('ctx.state', () => {
    it("holds the provider's user and { token, payload } of the JWT", async () => {
      // A provider of the application's own (promise API only), not memoryUsers, which answers at once.
      const users = testUsers();
      const findById = sinon.spy((id: string) => users.findById(id));
      const provider = { authenticate: users.authenticate.bind(users), findByUsername: users.findByUsername.bind(users), findById };
      try {
        const { request, auth } = buildApp({ users: provider });
        const { token, payload } = await auth.issue(alice);
        const res = await request.get('/me').set('Authorization', `Bearer ${token}`).expect(200);
        expect(findById.calledWith('1')).to.equal(true);
        expect(res.body.user).to.deep.equal({ isActive: true, isSuperuser: false, id: '1', username: 'alice' });
        expect(res.body.jwt.token).to.equal(token);
        expect(res.body.jwt.payload).to.deep.equal(payload);
        expect(res.body.user).not.to.have.property('password');
        expect(res.body.user).not.to.have.property('passwordHash');
      } finally {
        sinon.restore();
      }
    });

    it('carries extra fields of the user record', async () => {
      const users = memoryUsers([{ id: 'u1', username: 'carol', password: 'pw', email: 'carol@example.invalid' }]);
      const { request, auth } = buildApp({}, { config: { keys: { secret: SECRET }, users } });
      const { token } = await auth.issue({ id: 'u1', username: 'carol' });
      const res = await request.get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      expect(res.body.user.email).to.equal('carol@example.invalid');
    });

    it('builds the user from the claims in a verify-only service', async () => {
      const rsa = keyPair('rsa');
      const { request } = buildApp({}, { config: { keys: { algorithm: 'RS256', publicKey: rsa.publicPem } } });
      const token = handSign(claims({ user_id: '42', username: 'dave' }), { key: rsa.privateKey, alg: 'RS256' });
      const res = await request.get('/me').set('Authorization', `Bearer ${token}`).expect(200);
      expect(res.body.user).to.deep.equal({ id: '42', username: 'dave' });
    });

    it('gives no username to a user built from a token without a username claim (simplejwt\'s: user_id only)', async () => {
      const rsa = keyPair('rsa');
      const verifier = koaJwt({ keys: { algorithm: 'RS256', publicKey: rsa.publicPem } });
      const tokenUser = koaJwt(testConfig({ userLookup: 'token' }));
      for (const [auth, key, alg] of [[verifier, rsa.privateKey, 'RS256'], [tokenUser, SECRET, 'HS256']] as const) {
        const app = new Koa();
        app.use(auth as never);
        app.use((ctx) => { ctx.body = { user: ctx.state.user, has: Object.hasOwn(ctx.state.user as object, 'username') }; });
        const token = handSign({ user_id: '2', iat: nowSeconds(), exp: nowSeconds() + 60 }, { key, alg });
        const res = await supertest(app.callback()).get('/').set('Authorization', `Bearer ${token}`).expect(200);
        expect(res.body).to.deep.equal({ user: { id: '2' }, has: false });
      }
      await Promise.all([verifier.close(), tokenUser.close()]);
    });

    it('lets errors of later middleware through untouched', async () => {
      const auth = koaJwt(testConfig());
      const app = new Koa();
      app.silent = true;
      app.use(auth as never);
      app.use(() => { throw new ForbiddenError('later'); });
      const { token } = await auth.issue(alice);
      const res = await supertest(app.callback()).get('/me').set('Authorization', `Bearer ${token}`).expect(403);
      // Not turned into a koa-jwt-kit JSON answer: Koa's own error handling answered (the message, as text).
      expect(res.text).to.equal('later');
    });
  });
});
