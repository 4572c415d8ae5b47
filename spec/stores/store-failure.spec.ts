import { createServer } from 'node:net';
import { expect } from 'chai';
import mongoose from 'mongoose';
import sinon from 'sinon';
import type { AuthEventMap } from '../../lib/events.js';
import { STORE_FAILURE_INTERVAL_MS } from '../../lib/stores/failure-events.js';
import { mongooseStore } from '../../lib/stores/mongoose/mongoose-store.js';
import { buildApp } from '../helpers/app.js';
import { failingStore, type FailureMode } from '../helpers/failing-store.js';
import { flakyStore } from '../helpers/pair-fixture.js';

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

/** The `error` events of source `store` an instance emits, as `part.operation` with their suppressed count. */
function storeEvents(auth: { on(event: 'error', listener: (e: AuthEventMap['error']) => void): unknown }) {
  const seen: Array<AuthEventMap['error']> = [];
  auth.on('error', (e) => { if (e.source === 'store') seen.push(e); });
  return { seen, named: () => seen.map((e) => `${e.part}.${e.operation}`) };
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

  describe('is visible: each 503 it causes is reported as an error event, a few lines per outage', () => {
    let clock: sinon.SinonFakeTimers | undefined;
    // The rate limit runs on the monotonic clock; frozen here, so that no real time can pass a window.
    beforeEach(() => { clock = sinon.useFakeTimers({ toFake: ['performance'] }); });
    afterEach(() => clock?.restore());

    it('100 failing requests give one event per part and operation, naming them; the next window\'s event counts the ones left out', async () => {
      const failing = failingStore();
      const { request, auth } = buildApp({ store: failing.store });
      const events = storeEvents(auth);
      const { token } = await auth.issue(alice);
      failing.fail('reject');
      for (let i = 0; i < 50; i++) {
        expect503(await request.get('/me').set('Authorization', bearer(token)));
        expect503(await request.post('/auth/token/blacklist').send({ token }));
      }
      expect(events.named()).to.have.members(['blacklist.isBlacklisted', 'blacklist.add']);
      expect(events.seen[0]!.error).to.have.property('code', 'temporarily_unavailable');
      expect(events.seen.every((e) => e.suppressed === undefined)).to.equal(true);
      clock!.tick(STORE_FAILURE_INTERVAL_MS);
      expect503(await request.get('/me').set('Authorization', bearer(token)));
      expect(events.seen).to.have.length(3);
      expect(events.seen[2]).to.include({ part: 'blacklist', operation: 'isBlacklisted', suppressed: 49 });
    });

    it('names the call that missed its deadline: a login whose attempt counter hangs (attempts.hit)', async () => {
      const failing = failingStore({ timeout: 20 });
      const { request, auth } = buildApp({ store: failing.store });
      const events = storeEvents(auth);
      failing.fail('hang');
      expect503(await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }));
      expect(events.named()).to.deep.equal(['attempts.hit']);
    });

    it('names the refresh-token calls of pair mode: a login that cannot store its refresh token (save), a refresh that cannot consume its own (consume)', async () => {
      const flaky = flakyStore();
      const { request, auth } = buildApp({ store: flaky.store, refresh: { pair: true }, throttle: false });
      const events = storeEvents(auth);
      const { refresh } = await auth.issue(alice);
      flaky.fail('reject', 'save');
      expect503(await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }));
      flaky.fail('reject', 'consume');
      expect503(await request.post('/auth/token/refresh').send({ refresh }));
      expect(events.named()).to.deep.equal(['refreshTokens.save', 'refreshTokens.consume']);
    });

    it('names a users provider that failed (users.authenticate)', async () => {
      const { request, auth } = buildApp({ users: { authenticate: () => Promise.reject(new Error('users database down')), findById: async () => undefined, findByUsername: async () => undefined } });
      const events = storeEvents(auth);
      expect503(await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }));
      expect(events.named()).to.deep.equal(['users.authenticate']);
    });

    it('reports a failure under blacklist.onStoreError: \'allow\' too: failing open must not hide the outage', async () => {
      const failing = failingStore();
      const { request, auth } = buildApp({ store: failing.store, blacklist: { onStoreError: 'allow' } });
      const events = storeEvents(auth);
      const { token } = await auth.issue(alice);
      failing.fail('reject');
      for (let i = 0; i < 3; i++) await request.get('/me').set('Authorization', bearer(token)).expect(200);
      expect(events.named()).to.deep.equal(['blacklist.isBlacklisted']);
    });

    it('with errors: \'throw\' too, where the app answers the 503', async () => {
      const failing = failingStore();
      const { request, auth } = buildApp({ store: failing.store, errors: 'throw' });
      const events = storeEvents(auth);
      const { token } = await auth.issue(alice);
      failing.fail('reject');
      expect((await request.get('/me').set('Authorization', bearer(token))).status).to.equal(503);
      expect(events.named()).to.deep.equal(['blacklist.isBlacklisted']);
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
