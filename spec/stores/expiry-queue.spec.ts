import { expect } from 'chai';
import fc from 'fast-check';
import { ExpiryQueue } from '../../lib/stores/expiry-queue.js';

describe('expiry queue (what keeps memoryStore bounded)', () => {
  it('gives back every key due before now, earliest first, and keeps the rest', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), fc.integer({ min: 0, max: 1001 }), (times, now) => {
      const queue = new ExpiryQueue();
      times.forEach((t, i) => queue.push(t, `k${i}`));
      const out: number[] = [];
      queue.popBefore(now, (_key, at) => out.push(at));
      expect(out).to.deep.equal(times.filter((t) => t < now).sort((a, b) => a - b));
      expect(queue.size).to.equal(times.filter((t) => t >= now).length);
    }));
  });

  it('visits only what is due: expiring 3 of 100,000 entries calls back 3 times', () => {
    const queue = new ExpiryQueue();
    for (let i = 0; i < 100_000; i++) queue.push(1_000 + i, `live${i}`);
    for (const t of [5, 1, 3]) queue.push(t, `due${t}`);
    const seen: string[] = [];
    queue.popBefore(1_000, (key) => seen.push(key));
    expect(seen).to.deep.equal(['due1', 'due3', 'due5']);
    expect(queue.size).to.equal(100_000);
  });
});
