import { expect } from 'chai';
import { StoreUnavailableError } from '../../lib/errors.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { buildApp } from '../helpers/app.js';

const alice = { id: '1', username: 'alice' };

/** memoryStore with one blacklist method replaced by `fn`: a custom store with a bug or a broken driver. */
function storeWith(method: 'isBlacklistedNow' | 'isBlacklisted' | 'add', fn: (...args: never[]) => unknown): Store {
  const inner = memoryStore();
  return { ...inner, blacklist: { ...inner.blacklist, [method]: fn } };
}

const throwsSync = () => { throw new Error('driver bug'); };

describe('a store is never a 500', () => {
  it('a synchronous isBlacklistedNow that throws answers 503 with Retry-After', async () => {
    const { request, auth } = buildApp({ store: storeWith('isBlacklistedNow', throwsSync) });
    const { token } = await auth.issue(alice);
    const res = await request.get('/me').set('Authorization', `Bearer ${token}`);
    expect(res.status).to.equal(503);
    expect(res.body.error).to.equal('temporarily_unavailable');
    expect(res.headers['retry-after']).to.match(/^\d+$/);
  });

  it('auth.verify rejects with StoreUnavailableError, not a plain Error', async () => {
    const { auth } = buildApp({ store: storeWith('isBlacklistedNow', throwsSync) });
    const { token } = await auth.issue(alice);
    const err = await auth.verify(token).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).cause).to.have.property('message', 'driver bug');
  });

  it('with onStoreError: \'allow\', a throwing isBlacklistedNow lets the request through (the opt-in to fail open)', async () => {
    const { request, auth } = buildApp({ store: storeWith('isBlacklistedNow', throwsSync), blacklist: { onStoreError: 'allow' } });
    const { token } = await auth.issue(alice);
    await request.get('/me').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('an async method that throws before returning a promise answers 503', async () => {
    const inner = memoryStore();
    const { isBlacklistedNow: _, ...networkLike } = inner.blacklist;
    const store: Store = { ...inner, blacklist: { ...networkLike, isBlacklisted: throwsSync as never } };
    const { request, auth } = buildApp({ store });
    const { token } = await auth.issue(alice);
    expect((await request.get('/me').set('Authorization', `Bearer ${token}`)).status).to.equal(503);
  });

  it('a method that answers a plain value instead of a promise is still understood', async () => {
    const inner = memoryStore();
    const { isBlacklistedNow: _, ...networkLike } = inner.blacklist;
    const store: Store = { ...inner, blacklist: { ...networkLike, isBlacklisted: (() => false) as never } };
    const { request, auth } = buildApp({ store });
    const { token } = await auth.issue(alice);
    await request.get('/me').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('a blacklist write that throws synchronously answers 503 to the blacklist route', async () => {
    const { request, auth } = buildApp({ store: storeWith('add', throwsSync) });
    const { token } = await auth.issue(alice);
    const res = await request.post('/auth/token/blacklist').set('Authorization', `Bearer ${token}`).send({});
    expect(res.status).to.equal(503);
  });
});
