import { expect } from 'chai';
import * as jose from 'jose';
import jwksRsa from 'jwks-rsa';
import Koa from 'koa';
import supertest from 'supertest';
import type { Algorithm } from '../../lib/keyring/algorithms.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import type { JwkObject } from '../../lib/keyring/material.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { type Listening, listen } from '../helpers/listen.js';
import { testUsers } from '../helpers/app.js';
import { internalsOf } from '../../lib/internals.js';

function jwksApp(auth: KoaJwt, options?: { path?: string }): Koa {
  const app = new Koa();
  app.use(auth.jwks(options));
  app.use((ctx) => { ctx.status = 404; });
  return app;
}

/** A config that publishes one key of each asymmetric family, plus an HS secret that must never be published. */
function mixedAuth(): KoaJwt {
  return koaJwt({
    keys: {
      algorithm: ['ES256', 'RS256', 'PS256', 'ES384', 'EdDSA', 'HS256'],
      privateKey: {
        'es-1': keyPair('P-256').privatePem,
        'rs-1': keyPair('rsa').privatePem,
        // A plain RSA key signs PS256 too; the JWK's alg picks it (RSA-PSS-only keys cannot be published).
        'ps-1': { ...keyPair('rsa', 'ps').privateKey.export({ format: 'jwk' }), alg: 'PS256' } as JwkObject,
        'es384-1': keyPair('P-384').privatePem,
        'ed-1': keyPair('ed25519').privatePem,
      },
      secret: { 'hs-1': SECRET },
    },
    users: testUsers(),
    jwks: { maxAge: 300 },
  });
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('auth.jwks()', () => {
  let auth: KoaJwt;
  beforeEach(() => {
    auth = mixedAuth();
    auth.keyring.add({ kid: 'es-next', alg: 'ES256', privateKey: keyPair('P-256', 'next').privatePem }, { state: 'next' });
    auth.keyring.add({ kid: 'es-old', alg: 'ES256', publicKey: keyPair('P-256', 'old').publicPem }, { state: 'retired' });
  });
  afterEach(() => auth?.close());

  it('publishes every asymmetric key in next, active and retired state, and no shared secret', async () => {
    const res = await supertest(jwksApp(auth).callback()).get('/.well-known/jwks.json').expect(200);
    const kids = res.body.keys.map((k: { kid: string }) => k.kid).sort();
    expect(kids).to.deep.equal(['ed-1', 'es-1', 'es-next', 'es-old', 'es384-1', 'ps-1', 'rs-1']);
    expect(res.body.keys.some((k: { kty: string }) => k.kty === 'oct')).to.equal(false);
  });

  it('gives each key kty, kid, use "sig", alg and its public members only', async () => {
    const res = await supertest(jwksApp(auth).callback()).get('/.well-known/jwks.json').expect(200);
    const allowed: Record<string, string[]> = { RSA: ['n', 'e'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'] };
    for (const jwk of res.body.keys as Record<string, string>[]) {
      expect(Object.keys(jwk).sort(), jwk.kid).to.deep.equal(['kty', 'kid', 'use', 'alg', ...allowed[jwk.kty]!].sort());
      expect(jwk.use).to.equal('sig');
      for (const m of PRIVATE_MEMBERS) expect(jwk, `${jwk.kid}.${m}`).not.to.have.property(m);
    }
    const algs = Object.fromEntries((res.body.keys as Record<string, string>[]).map((k) => [k.kid, k.alg]));
    expect(algs).to.include({ 'es-1': 'ES256', 'rs-1': 'RS256', 'ps-1': 'PS256', 'es384-1': 'ES384', 'ed-1': 'EdDSA' });
  });

  it('answers with Cache-Control public, max-age=<jwks.maxAge> and a JSON type', async () => {
    const res = await supertest(jwksApp(auth).callback()).get('/.well-known/jwks.json').expect(200);
    expect(res.headers['cache-control']).to.equal('public, max-age=300');
    expect(res.headers['content-type']).to.match(/^application\/json/);
  });

  for (const method of ['post', 'put', 'delete', 'patch'] as const) {
    it(`answers ${method.toUpperCase()} with 405 and Allow: GET, HEAD`, async () => {
      const res = await supertest(jwksApp(auth).callback())[method]('/.well-known/jwks.json').expect(405);
      expect(res.body.error).to.equal('method_not_allowed');
      expect(res.headers.allow).to.equal('GET, HEAD');
    });
  }

  it('leaves other paths to the next middleware, and serves a custom path', async () => {
    await supertest(jwksApp(auth).callback()).get('/other').expect(404);
    await supertest(jwksApp(auth, { path: '/keys' }).callback()).get('/keys').expect(200);
  });

  it('follows keyring changes at once: add, remove', async () => {
    const request = supertest(jwksApp(auth).callback());
    auth.keyring.add({ kid: 'ed-2', alg: 'EdDSA', privateKey: keyPair('ed25519', 'two').privatePem }, { state: 'next' });
    let res = await request.get('/.well-known/jwks.json');
    expect(res.body.keys.map((k: { kid: string }) => k.kid)).to.include('ed-2');
    auth.keyring.remove('ed-2');
    auth.keyring.remove('es-old');
    res = await request.get('/.well-known/jwks.json');
    expect(res.body.keys.map((k: { kid: string }) => k.kid)).not.to.include.members(['ed-2']);
    expect(res.body.keys.map((k: { kid: string }) => k.kid)).not.to.include('es-old');
  });

  describe('with real clients over 127.0.0.1', () => {
    let server: Listening;
    beforeEach(async () => { server = await listen(jwksApp(auth).callback()); });
    afterEach(() => server.close());

    it('jwks-rsa resolves every published kid to the key the keyring holds', async () => {
      const client = jwksRsa({ jwksUri: `${server.origin}/.well-known/jwks.json`, cache: false });
      const published = internalsOf(auth).keyring.jwks().keys.map((k) => k.kid);
      expect(published).to.have.length(7);
      for (const kid of published) {
        const signingKey = await client.getSigningKey(kid);
        const expected = internalsOf(auth).keyring.get(kid)!.verifyingKey.export({ format: 'pem', type: 'spki' }).toString();
        expect(signingKey.getPublicKey().trim(), kid).to.equal(expected.trim());
      }
    });

    it('jwks-rsa does not find the HS key', async () => {
      const client = jwksRsa({ jwksUri: `${server.origin}/.well-known/jwks.json`, cache: false });
      let error: unknown;
      try { await client.getSigningKey('hs-1'); } catch (err) { error = err; }
      expect((error as Error)?.name).to.equal('SigningKeyNotFoundError');
    });
  });
});

describe('tokens verified by jose.createRemoteJWKSet + jwtVerify', () => {
  const cases: [Algorithm, string][] = [
    ['RS256', keyPair('rsa').privatePem],
    ['PS256', keyPair('rsa', 'ps').privatePem],
    ['ES256', keyPair('P-256').privatePem],
    ['ES384', keyPair('P-384').privatePem],
    ['EdDSA', keyPair('ed25519').privatePem],
  ];
  for (const [alg, pem] of cases) {
    it(`verifies a ${alg} token of auth.issue() against the published JWKS`, async () => {
      const auth = koaJwt({ keys: { algorithm: alg, privateKey: { [`${alg}-kid`]: pem } }, users: testUsers() });
      const server = await listen(jwksApp(auth).callback());
      try {
        const { token } = await auth.issue({ id: '1', username: 'alice' });
        const jwks = jose.createRemoteJWKSet(new URL(`${server.origin}/.well-known/jwks.json`));
        const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, { algorithms: [alg] });
        expect(protectedHeader.kid).to.equal(`${alg}-kid`);
        expect(payload.user_id).to.equal('1');
      } finally {
        await server.close();
        await auth.close();
      }
    });
  }

  it('refuses a token whose key is not published (control: the check can fail)', async () => {
    const auth = koaJwt({ keys: { algorithm: 'ES256', privateKey: { a: keyPair('P-256').privatePem } }, users: testUsers() });
    const other = koaJwt({ keys: { algorithm: 'ES256', privateKey: { a: keyPair('P-256', 'other').privatePem } }, users: testUsers() });
    const server = await listen(jwksApp(auth).callback());
    try {
      const { token } = await other.issue({ id: '1', username: 'alice' });
      const jwks = jose.createRemoteJWKSet(new URL(`${server.origin}/.well-known/jwks.json`));
      let error: unknown;
      try { await jose.jwtVerify(token, jwks); } catch (err) { error = err; }
      expect((error as { code?: string })?.code).to.equal('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    } finally {
      await server.close();
      await auth.close();
      await other.close();
    }
  });
});
