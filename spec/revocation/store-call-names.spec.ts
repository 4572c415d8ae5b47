import { expect } from 'chai';
import { internalsOf } from '../../lib/internals.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import type { UserProvider } from '../../lib/users/provider.js';
import { testConfig, testUsers } from '../helpers/app.js';

// A store call of revocation, pair-mode refresh or impersonation that fails names its part and
// operation on the 503 it causes (`storeCall`), which the `error` event of source store reports:
// an operator reading it learns which store is down.

const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (err: unknown) => err);
const down = () => Promise.reject(new Error('connection refused'));
const alice = { id: '1', username: 'alice' };

describe('store failures of revocation, refresh and impersonation name their part and operation (storeCall)', () => {
  const opened: KoaJwt[] = [];
  const open = (auth: KoaJwt) => { opened.push(auth); return auth; };
  afterEach(async () => { await Promise.all(opened.splice(0).map((auth) => auth.close())); });

  it('blacklist.isBlacklistedNow, the synchronous answer of an in-process store', async () => {
    const inner = memoryStore();
    const store: Store = { ...inner, blacklist: { ...inner.blacklist, isBlacklistedNow: () => { throw new Error('corrupt'); } } };
    const auth = open(koaJwt(testConfig({ store })));
    const { token } = await auth.issue(alice);
    expect(await rejection(auth.verify(token))).to.have.deep.property('storeCall', { part: 'blacklist', operation: 'isBlacklistedNow' });
  });

  it('refreshTokens.revokeFamily, when a logout revokes a pair-mode family', async () => {
    const inner = memoryStore();
    const store: Store = { ...inner, refreshTokens: { ...inner.refreshTokens, revokeFamily: down } };
    const auth = open(koaJwt(testConfig({ store, refresh: { pair: true } })));
    const { token } = await auth.issue(alice);
    expect(await rejection(auth.blacklist(token))).to.have.deep.property('storeCall', { part: 'refreshTokens', operation: 'revokeFamily' });
  });

  it('refreshTokens.revokeFamily, when reuse detection revokes the family', async () => {
    const inner = memoryStore();
    let failing = false;
    const store: Store = { ...inner, refreshTokens: { ...inner.refreshTokens, revokeFamily: (...args) => (failing ? down() : inner.refreshTokens.revokeFamily(...args)) } };
    const auth = open(koaJwt(testConfig({ store, refresh: { pair: true } })));
    const { refresh } = await auth.issue(alice);
    const { authority } = internalsOf(auth);
    await authority.refresh(refresh!);
    failing = true;
    expect(await rejection(authority.refresh(refresh!))).to.have.deep.property('storeCall', { part: 'refreshTokens', operation: 'revokeFamily' });
  });

  it('refreshTokens.isFamilyRevoked, a refresh without rotation', async () => {
    const inner = memoryStore();
    const store: Store = { ...inner, refreshTokens: { ...inner.refreshTokens, isFamilyRevoked: down } };
    const auth = open(koaJwt(testConfig({ store, refresh: { pair: { rotate: false } } })));
    const { refresh } = await auth.issue(alice);
    expect(await rejection(internalsOf(auth).authority.refresh(refresh!))).to.have.deep.property('storeCall', { part: 'refreshTokens', operation: 'isFamilyRevoked' });
  });

  it('users.findById, the user an impersonation names', async () => {
    const base = testUsers();
    const users: UserProvider = { ...base, authenticate: base.authenticate.bind(base), findByUsername: base.findByUsername.bind(base), findById: down };
    const auth = open(koaJwt(testConfig({ users, userLookup: 'token' })));
    const { token } = await auth.issue({ id: '3', username: 'root', isSuperuser: true });
    const caller = await internalsOf(auth).authority.authenticate(token);
    const root = { ...caller, user: { id: '3', username: 'root', isSuperuser: true } };
    expect(await rejection(internalsOf(auth).authority.impersonate(root, '1'))).to.have.deep.property('storeCall', { part: 'users', operation: 'findById' });
  });
});
