import { expect } from 'chai';
import sinon from 'sinon';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import type { AuthEventMap } from '../../lib/events.js';
import { slotKid } from '../../lib/keyring/rotation-plan.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { testUsers } from '../helpers/app.js';
import { MINUTE, HOUR, SLOT, START, SLOT_END } from '../helpers/rotation.js';

// Hourly keys published 10 minutes ahead, checked every minute, removed an hour after their successor signs.
const config = (store: Store): KoaJwtConfig => ({
  keys: { rotation: { algorithm: 'ES256', every: '1h', publishAhead: '10m', checkEvery: '1m', retireAfter: '1h' } },
  token: { expiresIn: '5m' },
  refresh: { expiresIn: '7d' },
  users: testUsers(),
  store,
});
const kidAt = (start: number) => slotKid('ES256', start / HOUR, HOUR);

// The stored records are what operators and tools read (the instances go by the activation
// times): each sync writes the state it planned, and the time a key stopped signing, once.
describe('managed rotation: what it writes back to the store', () => {
  let clock: sinon.SinonFakeTimers;
  let auth: KoaJwt | undefined;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });
  afterEach(async () => {
    try {
      await auth?.close();
    } finally {
      auth = undefined;
      clock.restore();
    }
  });

  const records = async (store: Store) => Object.fromEntries((await store.signingKeys.list()).map((k) => [k.kid, k]));

  it('marks the new key active and the old one retired, with the time it stopped signing and when it goes', async () => {
    const store = memoryStore();
    auth = koaJwt(config(store));
    await auth.ready();
    await clock.tickAsync(SLOT_END - 10 * MINUTE - Date.now());
    expect((await records(store))[kidAt(SLOT_END)]).to.deep.include({ state: 'next' });
    await clock.tickAsync(10 * MINUTE); // the switch: the timer's sync at SLOT_END
    const after = await records(store);
    expect(after[kidAt(SLOT)]).to.deep.include({ state: 'retired', retiredAt: new Date(SLOT_END), notAfter: new Date(SLOT_END + HOUR) });
    expect(after[kidAt(SLOT_END)]!.state).to.equal('active');
    expect(after[kidAt(SLOT_END)]!.retiredAt, 'a key that signs has not retired').to.equal(undefined);
  });

  it('keeps the first retiredAt when a later sync moves notAfter', async () => {
    const store = memoryStore();
    auth = koaJwt(config(store));
    await auth.ready();
    await clock.tickAsync(SLOT_END + MINUTE - Date.now());
    // An operator moves the new key's activation 5 minutes earlier: the old key's notAfter follows.
    await store.signingKeys.update(kidAt(SLOT_END), { activatesAt: new Date(SLOT_END - 5 * MINUTE) });
    await clock.tickAsync(MINUTE);
    expect((await records(store))[kidAt(SLOT)]).to.deep.include({ retiredAt: new Date(SLOT_END), notAfter: new Date(SLOT_END - 5 * MINUTE + HOUR) });
  });

  it('neither loads nor reports a stored key of an algorithm this keyring does not verify', async () => {
    const store = memoryStore();
    // Another instance, rotating RS256 during a rolling change, made this one; its key material
    // is of no use here and is never read.
    await store.signingKeys.insert({ kid: slotKid('RS256', SLOT / HOUR, HOUR), alg: 'RS256', state: 'active', privateJwk: {}, createdAt: new Date(SLOT), activatesAt: new Date(SLOT) });
    auth = koaJwt(config(store));
    const errors: AuthEventMap['error'][] = [];
    auth.on('error', (e) => { errors.push(e); });
    await auth.ready();
    expect(errors).to.deep.equal([]);
    expect(auth.keyring.list().map((k) => k.kid)).to.deep.equal([kidAt(SLOT)]);
  });
});
