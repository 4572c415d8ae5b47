import { expect } from 'chai';
import { KoaJwtError } from '../../lib/errors.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { testConfig } from '../helpers/app.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { id: '1', username: 'alice' };

/** memoryStore whose next blacklist write fails once `failNextWrite()` is called. */
function storeFailingOnce(): { store: Store; failNextWrite(): void; readonly failed: number } {
  const inner = memoryStore();
  let armed = false;
  let failed = 0;
  const store: Store = {
    ...inner,
    blacklist: {
      ...inner.blacklist,
      add: (entry) => {
        if (!armed) return inner.blacklist.add(entry);
        armed = false;
        failed++;
        return Promise.reject(new Error('write lost (store failing once)'));
      },
    },
  };
  return { store, failNextWrite: () => { armed = true; }, get failed() { return failed; } };
}

const outcome = (promise: Promise<unknown>): Promise<string> =>
  promise.then(() => 'ok', (err: unknown) => (err instanceof KoaJwtError ? `${err.status} ${err.code}` : `not a KoaJwtError: ${String(err)}`));

describe('reuse detection writes until it succeeds', () => {
  let flaky: ReturnType<typeof storeFailingOnce>;
  let auth: ReturnType<typeof koaJwt>;
  beforeEach(() => {
    flaky = storeFailingOnce();
    auth = koaJwt(testConfig({ refresh: { pair: true }, store: flaky.store }));
  });
  afterEach(() => auth.close());

  it('answers 503 when the blacklist write of a detected reuse fails', async () => {
    const first = await auth.issue(alice);
    await internalsOf(auth).authority.refresh(first.refresh!);
    flaky.failNextWrite();
    expect(await outcome(internalsOf(auth).authority.refresh(first.refresh!))).to.equal('503 temporarily_unavailable');
    expect(flaky.failed).to.equal(1);
  });

  it('a later replay finishes the revocation of the family\'s access tokens', async () => {
    const first = await auth.issue(alice);
    const second = await internalsOf(auth).authority.refresh(first.refresh!);
    flaky.failNextWrite();
    await outcome(internalsOf(auth).authority.refresh(first.refresh!)); // 503: the access tokens are not revoked yet
    expect(await outcome(internalsOf(auth).authority.refresh(first.refresh!))).to.equal('401 token_revoked');
    expect(await outcome(auth.verify(first.token))).to.equal('401 token_revoked');
    expect(await outcome(auth.verify(second.token))).to.equal('401 token_revoked');
  });

  it('the owner\'s next refresh (the newest token of the family) finishes it too', async () => {
    const first = await auth.issue(alice);
    const second = await internalsOf(auth).authority.refresh(first.refresh!);
    flaky.failNextWrite();
    await outcome(internalsOf(auth).authority.refresh(first.refresh!));
    expect(await outcome(internalsOf(auth).authority.refresh(second.refresh!))).to.equal('401 token_revoked');
    expect(await outcome(auth.verify(second.token))).to.equal('401 token_revoked');
  });

  it('a retry that fails again answers 503 again, and the one after it completes', async () => {
    const first = await auth.issue(alice);
    const second = await internalsOf(auth).authority.refresh(first.refresh!);
    flaky.failNextWrite();
    await outcome(internalsOf(auth).authority.refresh(first.refresh!));
    flaky.failNextWrite();
    expect(await outcome(internalsOf(auth).authority.refresh(first.refresh!))).to.equal('503 temporarily_unavailable');
    expect(await outcome(internalsOf(auth).authority.refresh(first.refresh!))).to.equal('401 token_revoked');
    expect(await outcome(auth.verify(second.token))).to.equal('401 token_revoked');
  });

  it('without rotation, a refresh of a family revoked in the refresh store finishes the blacklist write', async () => {
    const plain = storeFailingOnce();
    const noRotate = koaJwt(testConfig({ refresh: { pair: { rotate: false } }, store: plain.store }));
    const issued = await noRotate.issue(alice);
    // The refresh store has the family revoked, the blacklist does not (a write lost earlier).
    await plain.store.refreshTokens.revokeFamily(issued.refreshPayload!.jti as string, new Date());
    expect(await outcome(internalsOf(noRotate).authority.refresh(issued.refresh!))).to.equal('401 token_revoked');
    expect(await outcome(noRotate.verify(issued.token))).to.equal('401 token_revoked');
    await noRotate.close();
  });
});
