import { expect } from 'chai';
import sinon from 'sinon';
import { ConfigError } from '../../lib/errors.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { testConfig } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { failingStore, remoteLike } from '../helpers/failing-store.js';

// blacklist.cache keeps the revoked ids in process, so that a not-revoked check makes no store
// round trip. What it must never do: miss a revocation made here, or trust a set older than
// blacklist.cacheSeconds.
describe('revocation cache (blacklist.cache)', () => {
  afterEach(() => sinon.restore());

  const alice = { id: '1', username: 'alice' };
  const build = (store: Store, cacheSeconds = 5): KoaJwt => koaJwt(testConfig({ store, blacklist: { cache: true, cacheSeconds } }));
  /** Lets the background refresh (a store call behind a promise) finish. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('answers not-revoked checks from memory once loaded: the store is not asked per request', async () => {
    const store = remoteLike(memoryStore());
    const isBlacklisted = sinon.spy(store.blacklist, 'isBlacklisted');
    const auth = build(store);
    const { token } = await auth.issue(alice);
    await auth.verify(token);
    await settle();
    const before = isBlacklisted.callCount;
    for (let i = 0; i < 5; i++) await auth.verify(token);
    expect(isBlacklisted.callCount - before).to.equal(0);
  });

  it('asks the store until the first load has completed (no answer from an empty set)', async () => {
    const store = remoteLike(memoryStore());
    const isBlacklisted = sinon.spy(store.blacklist, 'isBlacklisted');
    const auth = build(store);
    const { token } = await auth.issue(alice);
    await auth.verify(token);
    expect(isBlacklisted.callCount).to.equal(1);
  });

  it('applies a revocation made on this instance at once', async () => {
    const auth = build(remoteLike(memoryStore()));
    const { token } = await auth.issue(alice);
    await auth.verify(token);
    await settle();
    await auth.blacklist(token);
    await rejectsWithCode(auth.verify(token), 'token_revoked');
  });

  /** Two instances on one store (cacheSeconds 4): a token verified here, then revoked on the other one. */
  async function revokedElsewhere() {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date', 'performance'] });
    const store = remoteLike(memoryStore());
    const here = build(store, 4);
    const elsewhere = build(store, 4);
    const { token } = await here.issue(alice);
    await here.verify(token);
    await settle();
    await elsewhere.blacklist(token);
    return { clock, here, token };
  }

  it('sees a revocation made on another instance within cacheSeconds', async () => {
    const { clock, here, token } = await revokedElsewhere();
    // Within the bound the set may be stale; once it is cacheSeconds old it is not trusted.
    clock.tick(4_000);
    await rejectsWithCode(here.verify(token), 'token_revoked');
  });

  it('refreshes in the background from half of cacheSeconds on, so steady traffic sees new revocations without a store call per request', async () => {
    const { clock, here, token } = await revokedElsewhere();
    clock.tick(2_000);
    await here.verify(token); // answered from the old set, and starts a refresh
    await settle();
    await rejectsWithCode(here.verify(token), 'token_revoked');
  });

  it('keeps a revocation made here while a refresh that started before it was in flight', async () => {
    const inner = remoteLike(memoryStore());
    let release: (() => void) | undefined;
    const store: Store = {
      ...inner,
      blacklist: {
        ...inner.blacklist,
        // Reads what the store holds now, but answers only when released.
        listSince: async (since) => {
          const listed = await inner.blacklist.listSince!(since);
          await new Promise<void>((resolve) => { release = resolve; });
          return listed;
        },
      },
    };
    const auth = build(store);
    const { token } = await auth.issue(alice);
    await auth.verify(token); // starts the first load, held
    await settle();
    await auth.blacklist(token);
    release!();
    await settle();
    await rejectsWithCode(auth.verify(token), 'token_revoked');
  });

  it('goes back to the store (503) when the set is older than cacheSeconds because the store fails', async () => {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date', 'performance'] });
    const failing = failingStore();
    const auth = build(failing.store, 2);
    const { token } = await auth.issue(alice);
    await auth.verify(token);
    await settle();
    failing.fail('reject');
    clock.tick(1_000);
    await auth.verify(token); // within the bound: the set answers
    await settle();
    clock.tick(1_000);
    await rejectsWithCode(auth.verify(token), 'temporarily_unavailable');
  });

  it('refuses to start when the store cannot list its revocations', () => {
    const inner = remoteLike(memoryStore());
    const { listSince: _listSince, ...blacklist } = inner.blacklist;
    expect(() => build({ ...inner, blacklist })).to.throw(ConfigError, /blacklist\.cache/);
  });
});
