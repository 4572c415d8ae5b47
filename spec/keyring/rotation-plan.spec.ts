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

  it('after an outage, publishes the missing key ahead instead of signing with it at once', () => {
    const plan = planRotation(T + 31 * DAY, [key(100)], timings, 'ES256');
    expect(plan.create).to.deep.equal([{ slot: 101, kid: kid(101), activatesAt: new Date(T + 32 * DAY) }]);
  });
});
