import { createServer } from 'node:net';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { mongooseStore } from '../../lib/stores/mongoose/store.js';
import { buildApp } from '../helpers/app.js';
import { failingStore, type FailureMode } from '../helpers/failing-store.js';

const alice = { id: '1', username: 'alice' };
const bearer = (token: string) => `Bearer ${token}`;

function expect503(res: { status: number; headers: Record<string, string>; body: { error?: string; token?: unknown } }): void {
  expect(res.status).to.equal(503);
  expect(res.body.error).to.equal('temporarily_unavailable');
  expect(res.headers['retry-after']).to.match(/^\d+$/);
  expect(res.body).to.not.have.property('token');
  expect(res.headers).to.not.have.property('set-cookie');
}

/** A port on 127.0.0.1 where nothing listens: bound once, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a store that cannot answer', () => {
  for (const mode of ['reject', 'hang'] as FailureMode[]) {
    describe(`(${mode === 'reject' ? 'fails' : 'outlives store.timeout'})`, () => {
      it('makes the middleware answer 503 with Retry-After, never 200 or 401', async () => {
        const failing = failingStore();
        const { request, auth } = buildApp({ store: failing.store, cookie: 'jwt' });
        const { token } = await auth.issue(alice);
        failing.fail(mode);
        expect503(await request.get('/me').set('Authorization', bearer(token)));
        failing.recover();
        await request.get('/me').set('Authorization', bearer(token)).expect(200);
      });

      it('makes refresh answer 503 and issue nothing', async () => {
        const failing = failingStore();
        const { request, auth } = buildApp({ store: failing.store, cookie: 'jwt' });
        const { token } = await auth.issue(alice);
        failing.fail(mode);
        expect503(await request.post('/auth/token/refresh').send({ token }));
        expect(failing.refused).to.be.greaterThan(0);
      });

      it('makes obtain answer 503 and issue nothing when issuing needs the store (userSecrets)', async () => {
        // store.timeout also bounds the users provider, and a login costs one scrypt (~50 ms).
        const failing = failingStore({ timeout: 1000 });
        const { request } = buildApp({ store: failing.store, userSecrets: true, cookie: 'jwt' });
        failing.fail(mode);
        expect503(await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }));
        failing.recover();
        await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }).expect(201);
      });

      it('makes blacklist answer 503, and the revocation is not lost: a retry succeeds', async () => {
        const failing = failingStore();
        const { request, auth } = buildApp({ store: failing.store });
        const { token } = await auth.issue(alice);
        failing.fail(mode);
        expect503(await request.post('/auth/token/blacklist').set('Authorization', bearer(token)));
        failing.recover();
        expect(await failing.inner.blacklist.isBlacklisted([(await auth.verify(token)).jti as string])).to.equal(false);
        await request.post('/auth/token/blacklist').set('Authorization', bearer(token)).expect(201);
        await request.get('/me').set('Authorization', bearer(token)).expect(401);
      });
    });
  }

  describe('with blacklist.onStoreError: \'allow\' (the explicit opt-in to fail open)', () => {
    it('lets the middleware and refresh pass without the revocation check', async () => {
      const failing = failingStore();
      const { request, auth } = buildApp({ store: failing.store, blacklist: { onStoreError: 'allow' } });
      const { token } = await auth.issue(alice);
      failing.fail('hang');
      await request.get('/me').set('Authorization', bearer(token)).expect(200);
      await request.post('/auth/token/refresh').send({ token }).expect(201);
    });

    it('still answers 503 to writes: blacklist', async () => {
      const failing = failingStore();
      const { request, auth } = buildApp({ store: failing.store, blacklist: { onStoreError: 'allow' } });
      const { token } = await auth.issue(alice);
      failing.fail('reject');
      expect503(await request.post('/auth/token/blacklist').set('Authorization', bearer(token)));
    });
  });

  describe('mongooseStore on a connection to a port where nothing listens', () => {
    let connection: mongoose.Connection;
    before(async () => {
      const port = await deadPort();
      connection = mongoose.createConnection(`mongodb://127.0.0.1:${port}/koajwt`, { serverSelectionTimeoutMS: 200, connectTimeoutMS: 200 });
      // The failed initial connection is expected here; unobserved it would be an unhandled rejection.
      connection.asPromise().catch(() => undefined);
    });
    after(async () => {
      await connection.close(true).catch(() => undefined);
    });

    it('answers 503 with Retry-After within store.timeout, for the middleware and for blacklist', async function () {
      this.timeout(5000);
      const { request, auth } = buildApp({ store: mongooseStore(connection, { timeout: 300 }) });
      const { token } = await auth.issue(alice);
      expect503(await request.get('/me').set('Authorization', bearer(token)));
      expect503(await request.post('/auth/token/blacklist').set('Authorization', bearer(token)));
    });
  });
});
