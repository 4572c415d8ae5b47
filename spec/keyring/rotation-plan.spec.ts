import { expect } from 'chai';
import { planRotation, slotKid, type TimelineKey } from '../../lib/keyring/rotation-plan.js';

const DAY = 86_400_000;
const timings = { every: 30 * DAY, publishAhead: DAY, retireAfter: 8 * DAY };
const T = 100 * 30 * DAY; // the start of slot 100
const kid = (slot: number) => slotKid('ES256', slot, timings.every);
const key = (slot: number, activatesAt = slot * timings.every): TimelineKey => ({ kid: kid(slot), activatesAt: new Date(activatesAt) });

describe('rotation timeline (planRotation)', () => {
  it('derives the kid from the algorithm and the slot start', () => {
    expect(slotKid('ES256', 1, DAY)).to.equal('ES256-1970-01-02T00:00:00Z');
  });

  it('with an empty store, creates this slot key, active at once', () => {
    const plan = planRotation(T + 5 * DAY, [], timings, 'ES256');
    expect(plan.create).to.deep.equal([{ slot: 100, kid: kid(100), activatesAt: new Date(T + 5 * DAY) }]);
  });

  it('creates nothing while the active key has more than publishAhead to run', () => {
    const plan = planRotation(T + 5 * DAY, [key(100)], timings, 'ES256');
    expect(plan.create).to.deep.equal([]);
    expect(plan.keys).to.deep.equal([{ kid: kid(100), state: 'active' }]);
    expect(plan.nextChange).to.equal(T + 29 * DAY);
  });

  it('creates the next key publishAhead before its slot, as next', () => {
    const plan = planRotation(T + 29 * DAY, [key(100)], timings, 'ES256');
    expect(plan.create).to.deep.equal([{ slot: 101, kid: kid(101), activatesAt: new Date(T + 30 * DAY) }]);
  });

  it('keeps the new key next until its slot begins, then retires the previous one until retireAfter', () => {
    const keys = [key(100), key(101)];
    expect(planRotation(T + 30 * DAY - 1, keys, timings, 'ES256').keys.map((k) => k.state)).to.deep.equal(['active', 'next']);
    const after = planRotation(T + 30 * DAY, keys, timings, 'ES256');
    expect(after.keys).to.deep.equal([
      { kid: kid(100), state: 'retired', notAfter: new Date(T + 38 * DAY) },
      { kid: kid(101), state: 'active' },
    ]);
    expect(after.nextChange).to.equal(T + 38 * DAY);
  });

  it('removes a retired key once retireAfter has passed since its successor activated', () => {
    const keys = [key(100), key(101)];
    expect(planRotation(T + 38 * DAY - 1, keys, timings, 'ES256').remove).to.deep.equal([]);
    expect(planRotation(T + 38 * DAY, keys, timings, 'ES256').remove).to.deep.equal([kid(100)]);
  });

  it('orders the stored keys by activation, whatever order the store lists them in', () => {
    const plan = planRotation(T + 30 * DAY, [key(101), key(100)], timings, 'ES256');
    expect(plan.keys).to.deep.equal([
      { kid: kid(100), state: 'retired', notAfter: new Date(T + 38 * DAY) },
      { kid: kid(101), state: 'active' },
    ]);
  });

  it('fills its slots only with keys of its algorithm: beside an RS256 key, this slot\'s ES256 key is made and signs at once', () => {
    const rs: TimelineKey = { kid: slotKid('RS256', 100, timings.every), activatesAt: new Date(T), alg: 'RS256' };
    const plan = planRotation(T + 5 * DAY, [rs], timings, 'ES256');
    expect(plan.create).to.deep.equal([{ slot: 100, kid: kid(100), activatesAt: new Date(T + 5 * DAY) }]);
    // Once stored, each algorithm has its active key: instances still rotating RS256 keep signing.
    const after = planRotation(T + 5 * DAY, [rs, { ...key(100, T + 5 * DAY), alg: 'ES256' }], timings, 'ES256');
    expect(after.keys).to.deep.equal([
      { kid: rs.kid, state: 'active' },
      { kid: kid(100), state: 'active' },
    ]);
  });

  it('retires a key of an algorithm no instance rotates any more at the first activation of another algorithm after its slot ends', () => {
    const rs: TimelineKey = { kid: slotKid('RS256', 100, timings.every), activatesAt: new Date(T), alg: 'RS256' };
    const keys = [rs, { ...key(100, T + 5 * DAY), alg: 'ES256' }, { ...key(101), alg: 'ES256' }];
    expect(planRotation(T + 30 * DAY - 1, keys, timings, 'ES256').keys[0]).to.deep.equal({ kid: rs.kid, state: 'active' });
    expect(planRotation(T + 30 * DAY, keys, timings, 'ES256').keys[0]).to.deep.equal({ kid: rs.kid, state: 'retired', notAfter: new Date(T + 38 * DAY) });
    // An RS256 key of the next slot (an instance still rotating RS256) is its successor instead.
    const rsNext: TimelineKey = { kid: slotKid('RS256', 101, timings.every), activatesAt: new Date(T + 31 * DAY), alg: 'RS256' };
    expect(planRotation(T + 30 * DAY, [...keys, rsNext], timings, 'ES256').keys[0]).to.deep.equal({ kid: rs.kid, state: 'active' });
  });

  it('after a change back from another algorithm, makes this slot\'s key sign at once: its own older key is retired, not signing', () => {
    // ES256 until slot 99, RS256 from slot 100 on, and now ES256 again: the slot 99 key, retired
    // by the RS256 key, cannot sign, so nothing of this algorithm can until the new key does.
    const old = { ...key(99), alg: 'ES256' };
    const rs: TimelineKey = { kid: slotKid('RS256', 100, timings.every), activatesAt: new Date(T), alg: 'RS256' };
    const plan = planRotation(T + DAY, [old, rs], timings, 'ES256');
    expect(plan.keys[0]).to.deep.equal({ kid: kid(99), state: 'retired', notAfter: new Date(T + 8 * DAY) });
    expect(plan.create).to.deep.equal([{ slot: 100, kid: kid(100), activatesAt: new Date(T + DAY) }]);
  });

  it('keeps a key past its notAfter, retired, until removeBy has passed it too', () => {
    const keys = [key(100), key(101)];
    const held = planRotation(T + 40 * DAY, keys, timings, 'ES256', T + 38 * DAY - 1);
    expect(held.remove).to.deep.equal([]);
    expect(held.keys[0]).to.deep.equal({ kid: kid(100), state: 'retired', notAfter: new Date(T + 38 * DAY) });
    expect(planRotation(T + 40 * DAY, keys, timings, 'ES256', T + 38 * DAY).remove).to.deep.equal([kid(100)]);
  });

  it('makes no key for this slot when a key of its algorithm activates at the slot start under another kid', () => {
    const manual: TimelineKey = { kid: 'manual', activatesAt: new Date(T), alg: 'ES256' };
    expect(planRotation(T + 5 * DAY, [manual], timings, 'ES256').create).to.deep.equal([]);
  });

  it('makes no second key under a slot kid the store already has, even one that activated before its slot', () => {
    // A record without activatesAt goes by its createdAt: publishAhead before its slot.
    const early: TimelineKey = { kid: kid(100), activatesAt: new Date(T - DAY) };
    expect(planRotation(T + 5 * DAY, [early], timings, 'ES256').create).to.deep.equal([]);
    const nextEarly: TimelineKey = { kid: kid(101), activatesAt: new Date(T + 29 * DAY) };
    expect(planRotation(T + 29 * DAY + 1, [key(100), nextEarly], timings, 'ES256').create).to.deep.equal([]);
  });

  it('makes no next key when a key of its algorithm activates at the next slot start under another kid', () => {
    const manual: TimelineKey = { kid: 'manual', activatesAt: new Date(T + 30 * DAY) };
    expect(planRotation(T + 29 * DAY + 1, [key(100), manual], timings, 'ES256').create).to.deep.equal([]);
  });

  it('with the next key stored, changes next when that key activates', () => {
    expect(planRotation(T + 5 * DAY, [key(100), key(101)], timings, 'ES256').nextChange).to.equal(T + 30 * DAY);
  });

  it('has no next change while the next key is due to be made and nothing else is ahead', () => {
    const plan = planRotation(T + 29 * DAY + 1, [key(100)], timings, 'ES256');
    expect(plan.create.map((c) => c.kid)).to.deep.equal([kid(101)]);
    expect(plan).not.to.have.property('nextChange');
  });

  it('after an outage, publishes the missing key ahead instead of signing with it at once', () => {
    const plan = planRotation(T + 31 * DAY, [key(100)], timings, 'ES256');
    expect(plan.create).to.deep.equal([{ slot: 101, kid: kid(101), activatesAt: new Date(T + 32 * DAY) }]);
  });
});
