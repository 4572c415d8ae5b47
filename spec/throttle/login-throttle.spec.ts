import { expect } from 'chai';
import os from 'node:os';
import Koa from 'koa';
import sinon from 'sinon';
import supertest from 'supertest';
import type { Context } from 'koa';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { KoaJwtError } from '../../lib/errors.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { AttemptStore, Store } from '../../lib/stores/store.js';
import type { UserProvider } from '../../lib/users/provider.js';
import { testConfig, testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { username: 'alice', password: 'alice-password' };
const wrong = { username: 'alice', password: 'wrong' };

/** The users provider with a spy on authenticate: the only place a password is hashed. */
function spiedUsers(): { users: UserProvider; authenticate: sinon.SinonSpy } {
  const inner = testUsers();
  const authenticate = sinon.spy((username: string, password: string) => inner.authenticate(username, password));
  return { users: { ...inner, authenticate }, authenticate };
}

/** An app behind a proxy (app.proxy: X-Forwarded-For is the client address) with the token routes under /auth. */
function proxiedApp(overrides: KoaJwtConfig = {}) {
  const spied = spiedUsers();
  const auth = koaJwt(testConfig({ users: spied.users, ...overrides }));
  const app = new Koa({ proxy: true });
  app.use(auth.router({ prefix: '/auth' }).routes());
  app.silent = true;
  const request = supertest(app.callback());
  const from = (ip: string) => ({ login: (body: object) => request.post('/auth/token').set('X-Forwarded-For', ip).send(body) });
  return { auth, request, from, ...spied };
}

/**
 * A memory store whose attempt counters can be held: while `hold(which)` is on, a hit on the keys
 * it names waits until `release()` lets it land (later than any store.timeout).
 */
function heldAttempts(timeout: number) {
  const inner = memoryStore({ timeout });
  const attempts = inner.attempts as AttemptStore;
  let held: 'every' | 'address' | undefined;
  const waiting: Array<() => void> = [];
  const store: Store = {
    ...inner,
    attempts: {
      ...attempts,
      hit(key, windowMs, now) {
        if (!held || (held === 'address' && !key.startsWith('login:address'))) return attempts.hit(key, windowMs, now);
        return new Promise<void>((resolve) => waiting.push(resolve)).then(() => attempts.hit(key, windowMs, now));
      },
    },
  };
  return {
    store,
    hold(which: 'every' | 'address') { held = which; },
    release() { held = undefined; for (const land of waiting.splice(0)) land(); },
    get waiting() { return waiting.length; },
  };
}

describe('throttle: failed logins (on by default)', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => clock?.restore());

  it('answers 429 throttled with Retry-After and the contract JSON after 5 failures of one username, before any password is hashed', async () => {
    const { from, authenticate } = proxiedApp();
    for (let i = 0; i < 5; i++) await from('203.0.113.1').login(wrong).expect(401);
    expect(authenticate.callCount).to.equal(5);
    const res = await from('203.0.113.1').login(alice).expect(429);
    expect(res.body).to.have.keys('error', 'error_description');
    expect(res.body.error).to.equal('throttled');
    expect(Number(res.headers['retry-after'])).to.be.within(890, 900);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(authenticate.callCount, 'the 6th attempt never reached the password check').to.equal(5);
  });

  it('counts the username whatever the address (a guesser rotating addresses), and case-folds it', async () => {
    const { from } = proxiedApp();
    for (let i = 0; i < 5; i++) await from(`198.51.100.${i}`).login({ ...wrong, username: i % 2 ? 'ALICE' : 'alice' }).expect(401);
    await from('198.51.100.99').login(alice).expect(429);
  });

  it('keeps one count per username: a username locked out does not lock out another', async () => {
    const { from } = proxiedApp();
    for (let i = 0; i < 5; i++) await from(`198.51.100.${i}`).login(wrong).expect(401);
    await from('198.51.100.50').login(alice).expect(429);
    await from('198.51.100.51').login({ username: 'root', password: 'root-password' }).expect(201);
  });

  it('folds compatibility forms of a username too (NFKC): fullwidth ａｌｉｃｅ counts as alice', async () => {
    const { from } = proxiedApp();
    for (let i = 0; i < 5; i++) await from(`198.51.100.${i}`).login({ ...wrong, username: 'ａｌｉｃｅ' }).expect(401);
    await from('198.51.100.99').login(alice).expect(429);
  });

  it('keeps no username or address in the store: attempt keys are hashes of bounded length', async () => {
    const store = memoryStore();
    const keys: string[] = [];
    const attempts = store.attempts!;
    const { from } = proxiedApp({ store: { ...store, attempts: { ...attempts, hit: (key, windowMs, now) => { keys.push(key); return attempts.hit(key, windowMs, now); } } } });
    await from('203.0.113.77').login({ username: `alice${'x'.repeat(500)}`, password: 'wrong' }).expect(401);
    expect(keys).to.have.length(2);
    for (const key of keys) {
      expect(key).to.not.include('alice').and.not.include('203.0.113.77');
      expect(key.length).to.be.below(80);
    }
  });

  it('lets the username in again once its window has passed', async () => {
    clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    const { from } = proxiedApp();
    for (let i = 0; i < 5; i++) await from('203.0.113.1').login(wrong).expect(401);
    await from('203.0.113.1').login(alice).expect(429);
    clock.tick(15 * 60 * 1000 + 1);
    await from('203.0.113.1').login(alice).expect(201);
  });

  it('resets the username\'s count on a successful login', async () => {
    const { from } = proxiedApp();
    for (let i = 0; i < 4; i++) await from('203.0.113.1').login(wrong).expect(401);
    await from('203.0.113.1').login(alice).expect(201);
    for (let i = 0; i < 5; i++) await from('203.0.113.1').login(wrong).expect(401);
    await from('203.0.113.1').login(alice).expect(429);
  });

  it('limits failures per client address across usernames (ctx.ip, so app.proxy is honoured)', async () => {
    const { from, authenticate } = proxiedApp({ throttle: { address: { limit: 3, window: '1m' } } });
    for (let i = 0; i < 3; i++) await from('192.0.2.7').login({ username: `user${i}`, password: 'x' }).expect(401);
    const res = await from('192.0.2.7').login(alice).expect(429);
    expect(Number(res.headers['retry-after'])).to.be.within(50, 60);
    expect(authenticate.callCount).to.equal(3);
    await from('192.0.2.8').login(alice).expect(201);
  });

  it('takes a successful login back from its address\'s budget', async () => {
    const { from } = proxiedApp({ throttle: { address: { limit: 2, window: '1m' } } });
    for (let i = 0; i < 4; i++) await from('192.0.2.9').login(alice).expect(201);
    await from('192.0.2.9').login({ username: 'x', password: 'y' }).expect(401);
  });

  it('throttle: false turns it off', async () => {
    const { from } = proxiedApp({ throttle: false });
    for (let i = 0; i < 8; i++) await from('203.0.113.1').login(wrong).expect(401);
    await from('203.0.113.1').login(alice).expect(201);
  });

  it('counts in the store, so that two instances sharing it share the counts', async () => {
    const store = memoryStore();
    const one = proxiedApp({ store });
    const two = proxiedApp({ store });
    for (let i = 0; i < 3; i++) await one.from('203.0.113.1').login(wrong).expect(401);
    for (let i = 0; i < 2; i++) await two.from('203.0.113.2').login(wrong).expect(401);
    await one.from('203.0.113.3').login(alice).expect(429);
  });

  it('answers 503, not a login let through uncounted, when the store cannot count', async () => {
    const store = memoryStore();
    const { from, authenticate } = proxiedApp({ store: { ...store, attempts: { ...store.attempts!, hit: () => Promise.reject(new Error('down')) } } });
    const res = await from('203.0.113.1').login(alice).expect(503);
    expect(res.body.error).to.equal('temporarily_unavailable');
    expect(authenticate.callCount).to.equal(0);
  });

  for (const which of ['every', 'address'] as const) {
    it(`never counts a login answered 503 because ${which === 'every' ? 'its counter writes' : 'one of its counter writes'} missed store.timeout, even once the late write lands`, async () => {
      const slow = heldAttempts(100);
      const auth = koaJwt(testConfig({ store: slow.store, throttle: { username: { limit: 5 }, address: { limit: 5 } } }));
      const ctx = { ip: '203.0.113.1' } as Context;
      clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      slow.hold(which);
      for (let i = 0; i < 5; i++) {
        let outcome: unknown;
        internalsOf(auth).authority.obtain('alice', 'alice-password', ctx).then((r) => { outcome = r; }, (err: unknown) => { outcome = err; });
        await clock.tickAsync(100);
        expect((outcome as KoaJwtError).status, 'answered 503: the store did not count in time').to.equal(503);
      }
      expect(slow.waiting).to.equal(which === 'every' ? 10 : 5);
      slow.release();
      await clock.tickAsync(0);
      const result = await internalsOf(auth).authority.obtain('alice', 'alice-password', ctx);
      expect(result.token, 'the right password logs in: none of the five 503s counted').to.be.a('string');
    });
  }

  it('never counts a login answered 503 because the users provider failed: its password was not checked', async () => {
    const inner = testUsers();
    let down = true;
    const users: UserProvider = { ...inner, authenticate: (username, password) => (down ? Promise.reject(new Error('users database down')) : inner.authenticate(username, password)) };
    const { from } = proxiedApp({ users, throttle: { username: { limit: 5 }, address: { limit: 5 } } });
    for (let i = 0; i < 6; i++) await from('203.0.113.1').login(alice).expect(503);
    down = false;
    await from('203.0.113.1').login(alice).expect(201);
  });

  it('refuses to start with a store that keeps no attempt counters, unless throttle: false', () => {
    const { attempts: _none, ...store } = memoryStore();
    expect(configErrorOf(testConfig({ store })).path).to.equal('throttle');
    expect(() => koaJwt(testConfig({ store, throttle: false }))).to.not.throw();
  });

  it('checks its options at start-up', () => {
    expect(configErrorOf(testConfig({ throttle: { username: { limit: 0 } } })).path).to.equal('throttle.username.limit');
    expect(configErrorOf(testConfig({ throttle: { address: { window: 0 } } })).path).to.equal('throttle.address.window');
    expect(configErrorOf(testConfig({ throttle: { logins: 5 } as never })).path).to.equal('throttle.logins');
    expect(configErrorOf(testConfig({ hashing: { concurrency: 0 } })).path).to.equal('hashing.concurrency');
    expect(configErrorOf(testConfig({ hashing: { maxWait: 0 } })).path).to.equal('hashing.maxWait');
  });

  it('bounds hashing by the thread pool by default (UV_THREADPOOL_SIZE, else 4), never every core, with a queue of twice that', () => {
    const saved = process.env.UV_THREADPOOL_SIZE;
    const cores = sinon.stub(os, 'availableParallelism').returns(8);
    try {
      delete process.env.UV_THREADPOOL_SIZE;
      expect(internalsOf(koaJwt(testConfig())).config.hashing).to.deep.equal({ concurrency: 4, queue: 8, maxWait: 1 });
      process.env.UV_THREADPOOL_SIZE = '16';
      expect(internalsOf(koaJwt(testConfig())).config.hashing).to.include({ concurrency: 7, queue: 14 });
      cores.returns(2);
      expect(internalsOf(koaJwt(testConfig())).config.hashing).to.include({ concurrency: 1, queue: 2 });
      cores.returns(1);
      expect(internalsOf(koaJwt(testConfig())).config.hashing.concurrency).to.equal(1);
    } finally {
      cores.restore();
      if (saved === undefined) delete process.env.UV_THREADPOOL_SIZE;
      else process.env.UV_THREADPOOL_SIZE = saved;
    }
  });
});

describe('throttle: refresh and impersonate per client address', () => {
  it('never counts a request answered 503 because its counter write missed store.timeout, even once the write lands', async () => {
    const slow = heldAttempts(100);
    const auth = koaJwt(testConfig({ store: slow.store, throttle: { refresh: { limit: 2, window: '1m' } } }));
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      slow.hold('every');
      for (let i = 0; i < 3; i++) {
        let outcome: unknown;
        internalsOf(auth).authority.throttle!.admitRequest('refresh', '203.0.113.5').then((r) => { outcome = r; }, (err: unknown) => { outcome = err; });
        await clock.tickAsync(100);
        expect((outcome as KoaJwtError).status).to.equal(503);
      }
      slow.release();
      await clock.tickAsync(0);
      expect(await internalsOf(auth).authority.throttle!.admitRequest('refresh', '203.0.113.5'), 'not refused: the three 503s did not count').to.equal(undefined);
    } finally {
      clock.restore();
    }
  });

  it('answers 429 to refresh requests past throttle.refresh from one address, and not from another', async () => {
    const { request, auth } = proxiedApp({ throttle: { refresh: { limit: 2, window: '1m' } } });
    const { token } = await auth.issue({ id: '1', username: 'alice' });
    const refresh = (ip: string) => request.post('/auth/token/refresh').set('X-Forwarded-For', ip).send({ token });
    await refresh('203.0.113.5').expect(201);
    await refresh('203.0.113.5').expect(201);
    const res = await refresh('203.0.113.5').expect(429);
    expect(res.body.error).to.equal('throttled');
    expect(res.headers['retry-after']).to.match(/^\d+$/);
    await refresh('203.0.113.6').expect(201);
  });

  it('answers 429 to impersonate requests past throttle.impersonate, before the caller is even authenticated', async () => {
    const { request, auth } = proxiedApp({ throttle: { impersonate: { limit: 1, window: '1m' } } });
    const { token } = await auth.issue({ id: '3', username: 'root', isSuperuser: true });
    const impersonate = () => request.post('/auth/token/impersonate').set('X-Forwarded-For', '203.0.113.9').set('Authorization', `Bearer ${token}`).send({ user: '1' });
    await impersonate().expect(201);
    expect((await impersonate().expect(429)).body.error).to.equal('throttled');
    const anonymous = await request.post('/auth/token/impersonate').set('X-Forwarded-For', '203.0.113.9').send({ user: '1' }).expect(429);
    expect(anonymous.body.error).to.equal('throttled');
  });
});
