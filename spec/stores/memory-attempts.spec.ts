import { expect } from 'chai';
import { memoryStore } from '../../lib/stores/memory-store.js';

const WINDOW = 15 * 60_000;

// A flood of distinct usernames within one window: every counter is live, so sweeping expired
// ones frees nothing. The bound is what keeps the heap flat.
describe('memoryStore attempt counters are bounded in count', () => {
  const flood = async (store: ReturnType<typeof memoryStore>, n: number, now: Date, prefix = 'login:username:') => {
    for (let i = 0; i < n; i++) await store.attempts.hit(`${prefix}${i}`, WINDOW, now);
  };

  it('holds at most maxAttemptKeys counters, forgetting the oldest windows first', async () => {
    const store = memoryStore({ maxAttemptKeys: 100 });
    const now = new Date();
    await flood(store, 1000, now);
    expect(store.counts().attemptKeys).to.equal(100);
    expect((await store.attempts.hit('login:username:999', WINDOW, now)).count).to.equal(2, 'the newest counter is kept');
    expect((await store.attempts.hit('login:username:900', WINDOW, now)).count).to.equal(2, 'the oldest of the kept ones too');
    expect((await store.attempts.hit('login:username:0', WINDOW, now)).count).to.equal(1, 'the oldest counter was forgotten');
  });

  it('holds 100 000 counters by default', async () => {
    const store = memoryStore();
    await flood(store, 100_050, new Date());
    expect(store.counts().attemptKeys).to.equal(100_000);
  });

  it('counts a window that restarted as the newest: the oldest open window goes first', async () => {
    const store = memoryStore({ maxAttemptKeys: 3 });
    const t0 = Date.now();
    await store.attempts.hit('a', WINDOW, new Date(t0));
    await store.attempts.hit('b', WINDOW, new Date(t0 + 1000));
    const later = new Date(t0 + WINDOW + 500); // a's window has ended, b's is open
    expect((await store.attempts.hit('a', WINDOW, later)).count).to.equal(1);
    await store.attempts.hit('c', WINDOW, later);
    await store.attempts.hit('d', WINDOW, later);
    expect(store.counts().attemptKeys).to.equal(3);
    expect((await store.attempts.hit('a', WINDOW, later)).count).to.equal(2, 'a opened its window after b');
    expect((await store.attempts.hit('c', WINDOW, later)).count).to.equal(2);
    expect((await store.attempts.hit('b', WINDOW, later)).count).to.equal(1, 'b, the oldest window, was forgotten');
  });

  it('frees counters whose window has ended once 1024 are held, a window ending exactly now included', async () => {
    const store = memoryStore();
    const t0 = Date.now();
    await flood(store, 1024, new Date(t0));
    expect(store.counts().attemptKeys).to.equal(1024);
    // Every window ends at t0 + WINDOW: the next new window, opened then, sweeps them all.
    await store.attempts.hit('login:username:new', WINDOW, new Date(t0 + WINDOW));
    expect(store.counts().attemptKeys).to.equal(1);
  });

  it('refuses a bound that is not a positive integer, and takes 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) expect(() => memoryStore({ maxAttemptKeys: bad })).to.throw(TypeError, /maxAttemptKeys/);
    expect(memoryStore({ maxAttemptKeys: 1 }).counts().attemptKeys).to.equal(0);
  });
});
