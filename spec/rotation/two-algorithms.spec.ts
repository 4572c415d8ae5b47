import { expect } from 'chai';
import sinon from 'sinon';
import type { Algorithm } from '../../lib/keyring/algorithms.js';
import { slotKid } from '../../lib/keyring/rotation-plan.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { testUsers } from '../helpers/app.js';
import { decode } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { id: '1', username: 'alice' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SLOT = 500_100 * HOUR;
const START = SLOT + 20 * MINUTE;
const SLOT_END = SLOT + HOUR;

/** An instance rotating `alg` keys that also accepts `other` (both listed, its own first). */
const config = (store: Store, alg: Algorithm, other: Algorithm) => ({
  keys: { algorithm: [alg, other], rotation: { algorithm: alg, every: '1h', publishAhead: '10m', checkEvery: '1m', retireAfter: '1h' } },
  token: { expiresIn: '5m' },
  refresh: { expiresIn: '1h' },
  users: testUsers(),
  store,
});

const headerOf = (token: string) => decode(token).header as { alg: string; kid: string };
const published = (auth: KoaJwt) => internalsOf(auth).keyring.jwks().keys.map((k) => k.kid).sort();

// A rolling deploy that changes keys.rotation.algorithm: for a while, instances of the old and
// the new algorithm share one store. Each signs with its own algorithm's newest active key and
// verifies every published one.
describe('managed rotation with two algorithms on one store (a rolling change of algorithm)', () => {
  let clock: sinon.SinonFakeTimers;
  const instances: KoaJwt[] = [];
  const start = (c: ReturnType<typeof config>) => { const auth = koaJwt(c); instances.push(auth); return auth; };

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });
  afterEach(async () => {
    try {
      for (const auth of instances.splice(0)) await auth.close();
    } finally {
      clock.restore();
    }
  });

  it('both issue, each verifies the other\'s tokens, the JWKS publishes both, across a rotation slot', async () => {
    const store = memoryStore();
    const old = start(config(store, 'RS256', 'ES256'));
    await old.ready();
    await clock.tickAsync(30_000);
    const upgraded = start(config(store, 'ES256', 'RS256')); // deployed while the old one runs
    await upgraded.ready();

    const fromOld = (await old.issue(alice)).token;
    const fromNew = (await upgraded.issue(alice)).token;
    expect(headerOf(fromOld)).to.deep.equal({ alg: 'RS256', typ: 'JWT', kid: slotKid('RS256', SLOT / HOUR, HOUR) });
    expect(headerOf(fromNew)).to.deep.include({ alg: 'ES256', kid: slotKid('ES256', SLOT / HOUR, HOUR) });
    // The old instance has not read the store since the ES256 key was made: it reads it for that kid.
    for (const auth of [old, upgraded]) {
      expect((await auth.verify(fromOld)).user_id).to.equal('1');
      expect((await auth.verify(fromNew)).user_id).to.equal('1');
    }
    const firstKids = [slotKid('ES256', SLOT / HOUR, HOUR), slotKid('RS256', SLOT / HOUR, HOUR)];
    for (const auth of [old, upgraded]) expect(published(auth)).to.deep.equal(firstKids);

    // Tokens signed just before the slot ends, checked just after it.
    await clock.tickAsync(SLOT_END - 2 * MINUTE - Date.now());
    const lateOld = (await old.issue(alice)).token;
    const lateNew = (await upgraded.issue(alice)).token;
    await clock.tickAsync(3 * MINUTE);

    // Each algorithm has its own key for the new slot: neither insert kept the other out.
    const nextKids = [slotKid('ES256', SLOT_END / HOUR, HOUR), slotKid('RS256', SLOT_END / HOUR, HOUR)];
    expect((await store.signingKeys.list()).map((k) => k.kid).sort()).to.deep.equal([...firstKids, ...nextKids].sort());
    const nextOld = (await old.issue(alice)).token;
    const nextNew = (await upgraded.issue(alice)).token;
    expect(headerOf(nextOld).kid).to.equal(nextKids[1]);
    expect(headerOf(nextNew).kid).to.equal(nextKids[0]);
    for (const auth of [old, upgraded]) {
      for (const token of [lateOld, lateNew, nextOld, nextNew]) expect((await auth.verify(token)).user_id).to.equal('1');
      expect(published(auth)).to.deep.equal([...firstKids, ...nextKids].sort());
    }
  });

  it('the old algorithm\'s keys retire at the end of their slot once no instance rotates it', async () => {
    const store = memoryStore();
    const old = start(config(store, 'RS256', 'ES256'));
    await old.ready();
    const upgraded = start(config(store, 'ES256', 'RS256'));
    await upgraded.ready();
    const rs = headerOf((await old.issue(alice)).token).kid;
    await old.close(); // the last old instance is replaced

    await clock.tickAsync(SLOT_END - Date.now() - MINUTE);
    expect(internalsOf(upgraded).keyring.get(rs)!.state, 'it may still sign elsewhere until its slot ends').to.equal('active');
    expect(published(upgraded)).to.include(rs);
    await clock.tickAsync(2 * MINUTE);
    expect(internalsOf(upgraded).keyring.get(rs)).to.deep.include({ state: 'retired', notAfter: new Date(SLOT_END + HOUR) });
    await clock.tickAsync(HOUR);
    expect((await store.signingKeys.list()).map((k) => k.alg)).not.to.include('RS256');
    expect(published(upgraded)).not.to.include(rs);
  });
});
