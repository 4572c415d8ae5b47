import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import Koa from 'koa';
import sinon from 'sinon';
import supertest from 'supertest';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { type AuthEventMap, type AuthEventName, AuthEvents } from '../../lib/events.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { remoteLike } from '../helpers/failing-store.js';
import { SECRET } from '../helpers/keys.js';
import { testConfig, testUsers, TEST_USERS } from '../helpers/app.js';
import { decode } from '../helpers/tokens.js';

const EVENTS: AuthEventName[] = ['login', 'login_failed', 'throttled', 'refresh', 'reuse_detected', 'logout', 'logout_all', 'impersonate', 'key_change', 'error'];
const CLIENT = '198.51.100.23';

type Seen = { name: AuthEventName; event: AuthEventMap[AuthEventName] };

/** An app behind a proxy, and every event it emits. */
function recordedApp(overrides: KoaJwtConfig = {}) {
  const auth = koaJwt(testConfig(overrides));
  const seen: Seen[] = [];
  for (const name of EVENTS) auth.on(name, (event) => seen.push({ name, event }));
  const app = new Koa({ proxy: true });
  app.use(auth.router({ prefix: '/auth' }).routes());
  app.silent = true;
  const request = supertest(app.callback());
  const post = (path: string, body: object = {}, token?: string) => {
    const req = request.post(`/auth${path}`).set('X-Forwarded-For', CLIENT);
    return (token ? req.set('Authorization', `Bearer ${token}`) : req).send(body);
  };
  const of = <E extends AuthEventName>(name: E) => seen.filter((s) => s.name === name).map((s) => s.event as AuthEventMap[E]);
  return { auth, seen, post, of };
}

const tokens: string[] = [];
const remember = <T extends { token?: string; refresh?: string }>(body: T): T => {
  if (body.token) tokens.push(body.token);
  if (body.refresh) tokens.push(body.refresh);
  return body;
};

describe('audit events (auth.on)', () => {
  // Every event the specs below produce, for the leak check that runs last.
  const everything: Seen[] = [];

  it('login: client address, user id, username, jti and family', async () => {
    const { post, of, seen } = recordedApp();
    const { body } = await post('/token', { username: 'alice', password: 'alice-password' }).expect(201);
    remember(body);
    const { jti } = decode(body.token).payload;
    expect(of('login')).to.have.length(1);
    expect(of('login')[0]).to.include({ ip: CLIENT, userId: '1', username: 'alice', jti, family: jti });
    expect(of('login')[0]!.at).to.be.instanceOf(Date);
    everything.push(...seen);
  });

  it('login_failed with the reason (for the log only): unknown_user, wrong_password, inactive, while the answers stay one body', async () => {
    const { post, of, seen } = recordedApp();
    const answers = [
      await post('/token', { username: 'nobody', password: 'whatever-1' }).expect(401),
      await post('/token', { username: 'alice', password: 'wrong-password-2' }).expect(401),
      await post('/token', { username: 'bob', password: 'bob-password' }).expect(401),
    ];
    expect(answers[1]!.body).to.deep.equal(answers[0]!.body);
    expect(answers[2]!.body).to.deep.equal(answers[0]!.body);
    expect(of('login_failed').map((e) => [e.username, e.reason, e.userId, e.ip])).to.deep.equal([
      ['nobody', 'unknown_user', undefined, CLIENT],
      ['alice', 'wrong_password', '1', CLIENT],
      ['bob', 'inactive', '2', CLIENT],
    ]);
    everything.push(...seen);
  });

  it('throttled: the route, which limit, and Retry-After', async () => {
    const { post, of, seen } = recordedApp({ throttle: { username: { limit: 1, window: '1m' } } });
    await post('/token', { username: 'alice', password: 'wrong-password-3' }).expect(401);
    await post('/token', { username: 'alice', password: 'alice-password' }).expect(429);
    expect(of('throttled')).to.have.length(1);
    expect(of('throttled')[0]).to.include({ ip: CLIENT, username: 'alice', route: 'obtain', limit: 'username' });
    expect(of('throttled')[0]!.retryAfter).to.be.within(1, 60);
    everything.push(...seen);
  });

  it('refresh: the new jti, its family and the jti it was refreshed from', async () => {
    const { auth, post, of, seen } = recordedApp();
    const { token } = await auth.issue({ id: '1', username: 'alice' });
    const { body } = await post('/token/refresh', { token }).expect(201);
    remember(body);
    const before = decode(token).payload;
    const after = decode(body.token).payload;
    expect(of('refresh')[0]).to.include({ ip: CLIENT, userId: '1', username: 'alice', jti: after.jti, family: before.jti, previousJti: before.jti });
    everything.push(...seen);
  });

  it('reuse_detected: a consumed refresh token came back, with the family that was revoked', async () => {
    const { post, of, seen } = recordedApp({ refresh: { pair: true } });
    const first = remember((await post('/token', { username: 'alice', password: 'alice-password' }).expect(201)).body);
    remember((await post('/token/refresh', { refresh: first.refresh }).expect(201)).body);
    await post('/token/refresh', { refresh: first.refresh }).expect(401);
    const family = decode(first.refresh!).payload.jti;
    expect(of('reuse_detected')).to.have.length(1);
    expect(of('reuse_detected')[0]).to.include({ ip: CLIENT, userId: '1', username: 'alice', family });
    everything.push(...seen);
  });

  it('logout (blacklist route and auth.blacklist) and logout_all (route and auth.rotateUserSecret)', async () => {
    const { auth, post, of, seen } = recordedApp({ userSecrets: true });
    const { token } = await auth.issue({ id: '1', username: 'alice' });
    tokens.push(token);
    await post('/token/blacklist', { token }).expect(201);
    expect(of('logout')[0]).to.include({ ip: CLIENT, userId: '1', username: 'alice', jti: decode(token).payload.jti });
    const second = await auth.issue({ id: '1', username: 'alice' });
    await auth.blacklist(second.token);
    expect(of('logout')[1]).to.include({ userId: '1', jti: decode(second.token).payload.jti });
    const third = await auth.issue({ id: '1', username: 'alice' });
    await post('/token/logout-all', {}, third.token).expect(204);
    expect(of('logout_all')[0]).to.include({ ip: CLIENT, userId: '1', username: 'alice' });
    await auth.rotateUserSecret({ id: '1', username: 'alice' });
    expect(of('logout_all')[1]).to.include({ userId: '1', username: 'alice' });
    everything.push(...seen);
  });

  it('impersonate: the target as user, the superuser as actor', async () => {
    const { auth, post, of, seen } = recordedApp();
    const { token } = await auth.issue({ id: '3', username: 'root', isSuperuser: true });
    const { body } = await post('/token/impersonate', { user: '1' }, token).expect(201);
    remember(body);
    expect(of('impersonate')[0]).to.deep.include({ ip: CLIENT, userId: '1', username: 'alice', jti: decode(body.token).payload.jti, actor: { userId: '3', username: 'root' } });
    everything.push(...seen);
  });

  it('key_change: every change of the keyring, by kid', async () => {
    const { auth, of, seen } = recordedApp();
    auth.keyring.add({ kid: 'next-key', alg: 'HS256', secret: randomBytes(32) }, { state: 'next' });
    auth.keyring.promote('next-key');
    expect(of('key_change').map((e) => [e.change, e.kid])).to.deep.include.members([['add', 'next-key'], ['promote', 'next-key']]);
    everything.push(...seen);
  });

  describe('error: background failures that no request sees', () => {
    let clock: sinon.SinonFakeTimers | undefined;
    const instances: KoaJwt[] = [];
    afterEach(async () => {
      for (const auth of instances.splice(0)) await auth.close();
      clock?.restore();
      clock = undefined;
    });

    const rotating = (store: Store, encryptionKey: Buffer) => {
      const auth = koaJwt({ keys: { rotation: { algorithm: 'ES256', every: '30d', publishAhead: '1d', checkEvery: '1h', encryptionKey } }, users: testUsers(), store });
      instances.push(auth);
      return auth;
    };

    it('a managed-rotation sync that fails on its timer', async () => {
      clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
      const store = memoryStore();
      const auth = rotating(store, randomBytes(32));
      const errors: AuthEventMap['error'][] = [];
      auth.on('error', (e) => errors.push(e));
      await auth.ready();
      sinon.stub(store.signingKeys, 'list').rejects(new Error('connection reset'));
      await clock.tickAsync(3_600_000);
      expect(errors.map((e) => e.source)).to.include('rotation');
      everything.push(...errors.map((event) => ({ name: 'error' as const, event })));
    });

    it('a stored key that fails to decrypt, with its kid', async () => {
      const store = memoryStore();
      await rotating(store, randomBytes(32)).ready();
      const [stored] = await store.signingKeys.list();
      const other = rotating(store, randomBytes(32));
      const errors: AuthEventMap['error'][] = [];
      other.on('error', (e) => errors.push(e));
      await other.ready().catch(() => undefined);
      expect(errors.find((e) => e.source === 'stored_key')).to.include({ kid: stored!.kid });
      everything.push(...errors.map((event) => ({ name: 'error' as const, event })));
    });

    it('a refresh of the revocation cache that fails', async () => {
      const inner = memoryStore();
      const store = remoteLike(inner);
      const { auth, of } = recordedApp({ store: { ...store, blacklist: { ...store.blacklist, listSince: () => Promise.reject(new Error('cursor killed')) } }, blacklist: { cache: true } });
      const { token } = await auth.issue({ id: '1', username: 'alice' });
      await auth.verify(token);
      await new Promise((resolve) => setImmediate(resolve));
      expect(of('error').map((e) => e.source)).to.include('revocation_cache');
    });

    it('with no error listener: one console.warn, not a throw (Node\'s EventEmitter would throw), and later ones dropped', () => {
      const warn = sinon.stub(console, 'warn');
      try {
        const events = new AuthEvents();
        expect(() => events.emit('error', { source: 'rotation', error: new Error('first') })).to.not.throw();
        events.emit('error', { source: 'rotation', error: new Error('second') });
        expect(warn.callCount).to.equal(1);
        expect(String(warn.firstCall.args[0])).to.match(/koa-jwt-kit: a background failure \(rotation\): first.*auth\.on\('error'/);
      } finally {
        warn.restore();
      }
    });

    it('a listener that throws does not break the login: it is reported as an error event', async () => {
      const { auth, post } = recordedApp();
      const errors: AuthEventMap['error'][] = [];
      auth.on('error', (e) => errors.push(e));
      auth.on('login', () => { throw new Error('log sink down'); });
      await post('/token', { username: 'alice', password: 'alice-password' }).expect(201);
      expect(errors.map((e) => [e.source, (e.error as Error).message])).to.deep.include(['listener', 'log sink down']);
    });
  });

  it('once() hears one event, off() none', async () => {
    const auth = koaJwt(testConfig());
    const heard: string[] = [];
    const listener = () => heard.push('on');
    auth.once('logout', () => heard.push('once')).on('logout', listener);
    await auth.blacklist((await auth.issue({ id: '1', username: 'alice' })).token);
    auth.off('logout', listener);
    await auth.blacklist((await auth.issue({ id: '1', username: 'alice' })).token);
    expect(heard).to.deep.equal(['once', 'on']);
  });

  // A describe of its own: mocha runs it after the describes above, so every event is in.
  describe('payloads', () => it('no event carries a token, a secret or a password (every event the specs above produced)', () => {
    const names = new Set(everything.map((s) => s.name));
    for (const name of EVENTS) expect(names.has(name), `an event ${name} was checked`).to.equal(true);
    const secrets = [SECRET, ...TEST_USERS.map((u) => u.password as string), 'wrong-password-2', 'wrong-password-3', 'whatever-1', ...tokens];
    expect(tokens.length).to.be.greaterThan(5);
    const fragments = (value: string) => [value, ...value.split('.').filter((part) => part.length > 16)];
    for (const { name, event } of everything) {
      const text = JSON.stringify(event, (_key, value: unknown) => (value instanceof Error ? { message: value.message, stack: value.stack } : value));
      for (const key of Object.keys(event)) expect(key, `${name} has a field ${key}`).to.not.match(/token|secret|password/i);
      for (const secret of secrets) for (const part of fragments(String(secret))) expect(text.includes(part), `${name} carries ${part.slice(0, 12)}…`).to.equal(false);
    }
  }));
});
