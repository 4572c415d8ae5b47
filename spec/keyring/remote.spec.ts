import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import { KeySourceUnavailableError } from '../../lib/errors.js';
import { type Key } from '../../lib/keyring/key.js';
import { createRemoteKeySource } from '../../lib/keyring/remote.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { JwksServer } from '../helpers/jwks-server.js';
import { keyPair } from '../helpers/keys.js';
import { type Listening, listen } from '../helpers/listen.js';

describe('remote key source (keys.jwksUri)', () => {
  let server: JwksServer;
  let t: number;
  const now = () => t;
  const source = (options: { cacheMaxAge?: number; requestsPerMinute?: number } = {}) =>
    createRemoteKeySource({ jwksUri: server.uri, algorithms: ['ES256'], now, ...options });
  const randomKid = () => randomBytes(8).toString('hex');

  beforeEach(async () => {
    t = 1_000_000;
    server = await new JwksServer().start();
    server.publish('k1');
  });
  afterEach(() => server.listening.close());

  it('fetches once and answers known kids from the cache until cacheMaxAge', async () => {
    const remote = source({ cacheMaxAge: 60_000 });
    for (let i = 0; i < 5; i++) expect((await remote.getKey('k1', 'ES256'))?.kid).to.equal('k1');
    expect(server.requests).to.equal(1);
    t += 60_000;
    const refetched = server.nextRequest();
    expect((await remote.getKey('k1', 'ES256'))?.kid, 'the stale copy answers at once').to.equal('k1');
    await refetched;
    expect(server.requests).to.equal(2);
  });

  it('an unknown kid triggers one refetch, which finds a key published since', async () => {
    const remote = source();
    await remote.getKey('k1', 'ES256');
    t += 10_000;
    server.publish('k2');
    expect((await remote.getKey('k2', 'ES256'))?.kid).to.equal('k2');
    expect(server.requests).to.equal(2);
  });

  it('an unknown kid asked many times at once costs one fetch (single flight)', async () => {
    const remote = source();
    await remote.getKey('k1', 'ES256');
    t += 10_000;
    const results = await Promise.all(Array.from({ length: 50 }, () => remote.getKey('nope', 'ES256')));
    expect(results.every((r) => r === undefined)).to.equal(true);
    expect(server.requests).to.equal(2);
  });

  it('a flood of random kids cannot cause more than requestsPerMinute fetches a minute (plus a burst of 2)', async () => {
    const remote = source({ requestsPerMinute: 10 });
    await remote.getKey('k1', 'ES256');
    // Ten simulated minutes, 200 random kids every 3 seconds.
    for (let step = 0; step < 200; step++) {
      t += 3000;
      await Promise.all(Array.from({ length: 200 }, () => remote.getKey(randomKid(), 'ES256')));
    }
    expect(server.requests).to.be.at.most(2 + 10 * 10);
    expect(server.requests).to.be.at.least(10); // control: refetches do happen, within the limit
  });

  it('the first unknown kid after a quiet period fetches at once, even right after the cache was refreshed', async () => {
    const remote = source({ cacheMaxAge: 60_000, requestsPerMinute: 10 });
    await remote.getKey('k1', 'ES256');
    t += 60_000;
    // The cache had run out: a refetch, awaited (an unknown kid waits for it; a known one would not).
    expect(await remote.getKey('k0', 'ES256')).to.equal(undefined);
    expect(server.requests).to.equal(2);
    t += 1_000;
    server.publish('k2'); // published, and signing, a second later
    expect((await remote.getKey('k2', 'ES256'))?.kid).to.equal('k2');
    expect(server.requests).to.equal(3);
  });

  it('a flood without kids is answered from the cache', async () => {
    const remote = source();
    for (let i = 0; i < 100; i++) expect(await remote.getKeys('ES256')).to.have.length(1);
    expect(server.requests).to.equal(1);
  });

  it('a failed first fetch is KeySourceUnavailableError (503)', async () => {
    server.failing = true;
    const err = await source().getKey('k1', 'ES256').then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(KeySourceUnavailableError);
    expect((err as KeySourceUnavailableError).status).to.equal(503);
  });

  it('keeps serving known kids from a stale cache while the issuer is down', async () => {
    const remote = source({ cacheMaxAge: 60_000 });
    await remote.getKey('k1', 'ES256');
    server.failing = true;
    t += 120_000;
    const refetched = server.nextRequest();
    const key: Key | undefined = await remote.getKey('k1', 'ES256');
    expect(key?.kid).to.equal('k1');
    await refetched;
    expect(server.requests).to.equal(2);
    expect((await remote.getKey('k1', 'ES256'))?.kid, 'and after the refetch failed').to.equal('k1');
  });

  it('ignores keys of algorithms it was not configured for', async () => {
    server.keys.push({ ...keyPair('ed25519').publicKey.export({ format: 'jwk' }), kid: 'ed', alg: 'EdDSA', use: 'sig' });
    expect(await source().getKey('ed', 'ES256')).to.equal(undefined);
  });

  describe('through a verify-only service over HTTP', () => {
    let verifier: Listening;
    let issuerAuth: ReturnType<typeof koaJwt>;
    let verifierAuth: ReturnType<typeof koaJwt>;
    beforeEach(async () => {
      issuerAuth = koaJwt({ keys: { algorithm: 'ES256', privateKey: { k1: keyPair('P-256', 'k1').privatePem } }, users: testUsers() });
      verifierAuth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: server.uri } });
      const app = new Koa();
      app.silent = true;
      app.use(verifierAuth);
      app.use((ctx) => { ctx.body = { user: (ctx.state as { user?: unknown }).user }; });
      verifier = await listen(app.callback());
    });
    afterEach(async () => {
      await verifier.close();
      await issuerAuth.close();
      await verifierAuth.close();
    });

    it('accepts a token of a published key', async () => {
      const { token } = await issuerAuth.issue({ id: '1', username: 'alice' });
      const res = await supertest(verifier.origin).get('/').set('Authorization', `Bearer ${token}`).expect(200);
      expect(res.body.user).to.deep.include({ id: '1', username: 'alice' });
    });

    it('answers 401 token_invalid for an unknown kid', async () => {
      const other = koaJwt({ keys: { algorithm: 'ES256', privateKey: { unknown: keyPair('P-256', 'u').privatePem } }, users: testUsers() });
      const { token } = await other.issue({ id: '1', username: 'alice' });
      const res = await supertest(verifier.origin).get('/').set('Authorization', `Bearer ${token}`).expect(401);
      expect(res.body.error).to.equal('token_invalid');
    });

    it('answers 503 with Retry-After when the JWKS cannot be fetched', async () => {
      server.failing = true;
      const { token } = await issuerAuth.issue({ id: '1', username: 'alice' });
      const res = await supertest(verifier.origin).get('/').set('Authorization', `Bearer ${token}`).expect(503);
      expect(res.body.error).to.equal('temporarily_unavailable');
      expect(res.headers['retry-after']).to.match(/^\d+$/);
    });
  });
});
