import { expect } from 'chai';
import sinon from 'sinon';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { resolveConfig } from '../../lib/config/resolve.js';
import { StoreUnavailableError } from '../../lib/errors.js';
import { startRotation } from '../../lib/keyring/managed-rotation.js';
import { slotKid } from '../../lib/keyring/rotation-plan.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { buildRuntime } from '../../lib/runtime.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { decode } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';
import { MINUTE, HOUR, SLOT, START, SLOT_END, hourlyRotation, watchedStore } from '../helpers/rotation.js';

const alice = { id: '1', username: 'alice' };
// Hourly keys published 10 minutes ahead, removed an hour after their successor signs.
const config = (store: Store, checkEvery = '1m'): KoaJwtConfig => hourlyRotation(store, { checkEvery });
const kidAt = (start: number) => slotKid('ES256', start / HOUR, HOUR);
const kidOf = (token: string) => decode(token).header.kid as string;

// When signing asks the store first: once the planned time of the signer or of the next check
// has come, and then only then. Signing alone must not cost a store read per token.
describe('managed rotation: when signing syncs first, and when it refuses', () => {
  let clock: sinon.SinonFakeTimers;
  const closers: (() => unknown)[] = [];
  const start = (c: KoaJwtConfig) => { const auth = koaJwt(c); closers.push(() => auth.close()); return auth; };
  const outcome = (p: Promise<unknown>) => p.then(() => 'signed', (e: unknown) => (e instanceof StoreUnavailableError ? '503' : String(e)));

  afterEach(async () => {
    try {
      for (const close of closers.splice(0)) await close();
    } finally {
      clock.restore();
    }
  });

  describe('with the timers left real (time passes without the timer\'s sync)', () => {
    beforeEach(() => {
      clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance'] });
    });

    it('signs without reading the store before the next check is due, and reads once it is due, not later', async () => {
      const watched = watchedStore();
      const auth = start(config(watched.store));
      await auth.ready();
      const reads = watched.counts.list;
      for (let i = 0; i < 5; i++) await auth.issue(alice);
      clock.tick(MINUTE - 1);
      await auth.issue(alice);
      expect(watched.counts.list - reads, 'within the minute').to.equal(0);
      clock.tick(1); // exactly checkEvery after the last sync
      await auth.issue(alice);
      expect(watched.counts.list - reads, 'at the minute').to.equal(1);
    });

    it('stops signing with a store it cannot read once a key the store holds activates, even before the slot ends', async () => {
      const watched = watchedStore();
      const auth = start(config(watched.store));
      await auth.ready();
      clock.tick(SLOT_END - 10 * MINUTE - Date.now());
      await auth.issue(alice); // this sync publishes the next key
      // An operator brings the next key's activation 5 minutes forward; the instance reads it.
      await watched.inner.signingKeys.update(kidAt(SLOT_END), { activatesAt: new Date(SLOT_END - 5 * MINUTE) });
      clock.tick(MINUTE);
      expect(kidOf((await auth.issue(alice)).token)).to.equal(kidAt(SLOT));
      watched.cut();
      clock.tick(SLOT_END - 4 * MINUTE - Date.now());
      // The other instances sign with the new key now; this one cannot load it and must not go on.
      expect(await outcome(auth.issue(alice))).to.equal('503');
    });

    it('keeps signing with a store it cannot read when only a key of another algorithm activates', async () => {
      const watched = watchedStore();
      // An instance still rotating RS256 (a rolling change) published a key that activates soon.
      await watched.inner.signingKeys.insert({
        kid: slotKid('RS256', SLOT / HOUR, HOUR), alg: 'RS256', state: 'next', privateJwk: {}, createdAt: new Date(START), activatesAt: new Date(START + 5 * MINUTE),
      });
      const auth = start(config(watched.store));
      await auth.ready();
      watched.cut();
      clock.tick(6 * MINUTE);
      expect(await outcome(auth.issue(alice))).to.equal('signed');
    });
  });

  it('syncs at the instant the timeline changes, not only every checkEvery', async () => {
    // Checks at 33, 43, 53 minutes past the hour; the next key is due to be published at 50.
    clock = sinon.useFakeTimers({ now: SLOT + 33 * MINUTE, toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const store = memoryStore();
    const auth = start(config(store, '10m'));
    await auth.ready();
    await clock.tickAsync(SLOT_END - 10 * MINUTE - Date.now());
    expect(internalsOf(auth).keyring.get(kidAt(SLOT_END))?.state).to.equal('next');
  });

  it('closed during its first sync, it reads the store no more and leaves no timer', async () => {
    clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const watched = watchedStore();
    const runtime = buildRuntime(resolveConfig(config(watched.store)));
    const rotation = startRotation(runtime);
    rotation.close(); // the first sync is under way
    await rotation.ready();
    expect(clock.countTimers()).to.equal(0);
    const reads = watched.counts.list;
    await clock.tickAsync(2 * HOUR);
    expect(watched.counts.list).to.equal(reads);
  });
});
