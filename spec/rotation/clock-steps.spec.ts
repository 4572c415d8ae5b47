import { expect } from 'chai';
import sinon from 'sinon';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { slotKid } from '../../lib/keyring/rotation-plan.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { testUsers } from '../helpers/app.js';
import { decode } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
// Keys sign 20 minutes each, published 10 minutes ahead, checked every minute, removed 10 minutes
// after their successor signs; tokens live 5 minutes.
const EVERY = 20 * MINUTE;
const T0 = 1_500_000 * EVERY;
const T1 = T0 + EVERY;
const T2 = T1 + EVERY;
const START = T0 + 5 * MINUTE;

const config = (store: Store): KoaJwtConfig => ({
  keys: { rotation: { algorithm: 'ES256', every: '20m', publishAhead: '10m', checkEvery: '1m', retireAfter: '10m' } },
  token: { expiresIn: '5m' },
  refresh: { expiresIn: '1h' },
  users: testUsers(),
  store,
});

const kidAt = (slotStart: number) => slotKid('ES256', slotStart / EVERY, EVERY);
const signerOf = async (auth: KoaJwt) => decode((await auth.issue(alice)).token).header.kid as string;

// The wall clock is stepped with setSystemTime: Date moves, performance.now and the timers do
// not, as with a real step (NTP, an operator, a VM resumed after a sleep).
describe('managed rotation across steps of the wall clock', () => {
  let clock: sinon.SinonFakeTimers;
  let store: Store;
  let a: KoaJwt;
  let b: KoaJwt;
  const instances: KoaJwt[] = [];

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    store = memoryStore();
    a = koaJwt(config(store));
    instances.push(a);
    b = koaJwt(config(store));
    instances.push(b);
    await Promise.all([a.ready(), b.ready()]);
  });
  afterEach(async () => {
    try {
      for (const auth of instances.splice(0)) await auth.close();
    } finally {
      clock.restore();
    }
  });

  /** Ticks (timers run) until the wall clock shows `t`. */
  const until = (t: number) => clock.tickAsync(t - Date.now());
  const storedKids = async () => (await store.signingKeys.list()).map((k) => k.kid).sort();

  it('a +1 h step for one second removes no key: a retired key\'s tokens keep verifying everywhere, and the current key signs its 20 minutes', async () => {
    await until(T1 - 5 * SECOND);
    const { token } = await a.issue(alice); // signed by the T0 key, valid until T1 + 4:55
    await until(T1 + 59_500); // the T1 key signs; both instances sync again at T1 + 1:00
    expect(await signerOf(a)).to.equal(kidAt(T1));

    clock.setSystemTime(Date.now() + HOUR);
    await a.issue(alice); // a signature while stepped
    await clock.tickAsync(SECOND); // the minute's sync runs on both instances, stepped
    clock.setSystemTime(Date.now() - HOUR);

    expect(await storedKids()).to.deep.equal([kidAt(T0), kidAt(T1)]);
    await until(T1 + 4 * MINUTE + 50 * SECOND);
    for (const auth of [a, b]) expect((await auth.verify(token)).user_id).to.equal('1');

    // The schedule did not slide: the T1 key signs until T2, the T2 key from T2.
    await until(T2 - SECOND);
    for (const auth of [a, b]) expect(await signerOf(auth)).to.equal(kidAt(T1));
    await until(T2 + SECOND);
    for (const auth of [a, b]) expect(await signerOf(auth)).to.equal(kidAt(T2));
    // And the T0 key went on time, retireAfter after T1 (checked every minute).
    expect(await storedKids()).to.deep.equal([kidAt(T1), kidAt(T2)]);
  });

  it('a 10-minute step back for one second does not make the retired key sign again', async () => {
    await until(T1 + 59_500);
    clock.setSystemTime(Date.now() - 10 * MINUTE);
    await clock.tickAsync(SECOND); // the minute's sync runs, stepped back before T1
    for (const auth of [a, b]) expect(await signerOf(auth)).to.equal(kidAt(T1));
    clock.setSystemTime(Date.now() + 10 * MINUTE);
    await until(T2 + SECOND);
    for (const auth of [a, b]) expect(await signerOf(auth)).to.equal(kidAt(T2));
  });

  it('follows a lasting step forward once it has lasted checkEvery, and still removes no key before both clocks agree', async () => {
    await until(T1 + 30 * SECOND);
    // A VM resumed after two hours of sleep: the monotonic clock did not run meanwhile.
    clock.setSystemTime(Date.now() + 2 * HOUR);
    await clock.tickAsync(2 * MINUTE);
    const now = Date.now();
    const slot = Math.floor(now / EVERY) * EVERY;
    // Followed: the key of the wall clock's slot is published, and signs publishAhead later.
    expect(await storedKids()).to.include(kidAt(slot));
    expect(await signerOf(a)).to.equal(kidAt(T1));
    // The T0 key was due to go at T1 + 10 min: past by the wall clock, not by the monotonic one.
    expect(await storedKids()).to.include(kidAt(T0));
    await clock.tickAsync(10 * MINUTE); // the monotonic clock passes T1 + 10 min as well
    for (const auth of [a, b]) expect(await signerOf(auth)).to.equal(kidAt(slot));
    expect(await storedKids()).not.to.include(kidAt(T0));
  });

  it('follows a lasting step back by standing still: the signer never goes back, and the next key signs when the wall clock reaches its slot', async () => {
    await until(T1 + 30 * SECOND);
    clock.setSystemTime(Date.now() - 10 * MINUTE); // back before T1, for good
    await clock.tickAsync(5 * MINUTE);
    for (const auth of [a, b]) expect(await signerOf(auth)).to.equal(kidAt(T1));
    await until(T2 - SECOND);
    for (const auth of [a, b]) expect(await signerOf(auth)).to.equal(kidAt(T1));
    await until(T2 + MINUTE);
    for (const auth of [a, b]) expect(await signerOf(auth)).to.equal(kidAt(T2));
  });
});
