import assert from 'node:assert/strict';
import { mocha } from './mocha.js';
import { NOT_STRINGS, type Handles, id, refuses } from './contract-handles.js';

const MINUTE = 60_000;

/** The attempt-counter part of the store contract (login throttling). */
export function attemptCases(handles: Handles): void {
  const { describe, it } = mocha();
  describe('attempt counters (throttle)', () => {
    const counters = () => {
      const { attempts } = handles.store;
      assert.ok(attempts, 'this store keeps no attempt counters (store.attempts): koaJwt refuses it unless throttle: false');
      return attempts;
    };

    it('counts hits of one key inside its window, and keys apart; resetAt is a Date', async () => {
      const key = id('login:username');
      const now = new Date();
      const first = await counters().hit(key, MINUTE, now);
      assert.equal(first.count, 1);
      assert.ok(first.resetAt instanceof Date, 'resetAt is a Date');
      assert.equal((await counters().hit(key, MINUTE, now)).count, 2);
      const third = await counters().hit(key, MINUTE, new Date(now.getTime() + 1000));
      assert.equal(third.count, 3);
      assert.ok(third.resetAt instanceof Date, 'resetAt is a Date');
      assert.equal(third.resetAt.getTime(), now.getTime() + MINUTE, 'the window ends a window after its first hit, not after the last');
      assert.equal((await counters().hit(id('login:username'), MINUTE, now)).count, 1);
    });

    it('counts every one of concurrent hits (atomic), through two handles on the same backend', async () => {
      const other = (await handles.second()).attempts ?? counters();
      const key = id('login:address');
      const now = new Date();
      const counts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : counters()).hit(key, MINUTE, now)));
      assert.deepEqual(counts.map((c) => c.count).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('starts a new window at 1 once the window has ended, at its resetAt', async () => {
      const key = id('login:username');
      const now = new Date();
      await counters().hit(key, MINUTE, now);
      await counters().hit(key, MINUTE, now);
      assert.equal((await counters().hit(key, MINUTE, new Date(now.getTime() + MINUTE - 1))).count, 3, 'still the same window a millisecond before its end');
      const later = new Date(now.getTime() + MINUTE);
      const next = await counters().hit(key, MINUTE, later);
      assert.equal(next.count, 1);
      assert.equal(next.resetAt.getTime(), later.getTime() + MINUTE);
    });

    it('reset forgets a key; undo takes one hit back, never below zero', async () => {
      const key = id('login:username');
      const now = new Date();
      await counters().hit(key, MINUTE, now);
      await counters().hit(key, MINUTE, now);
      await counters().reset(key);
      assert.equal((await counters().hit(key, MINUTE, now)).count, 1);
      await counters().undo(key, now);
      await counters().undo(key, now);
      assert.equal((await counters().hit(key, MINUTE, now)).count, 1);
      await counters().undo(id('never-hit'), now);
    });

    it('undo takes back a hit of the current window only', async () => {
      const key = id('login:username');
      const now = new Date();
      await counters().hit(key, MINUTE, now);
      await counters().hit(key, MINUTE, now);
      await counters().undo(key, new Date(now.getTime() + 1000));
      assert.equal((await counters().hit(key, MINUTE, now)).count, 2, 'one of two taken back');
      await counters().undo(key, new Date(now.getTime() + MINUTE));
      assert.equal((await counters().hit(key, MINUTE, new Date(now.getTime() + 2000))).count, 3, 'an undo at the end of the window takes nothing back');
    });

    it('refuses a key that is not a string', async () => {
      for (const bad of NOT_STRINGS) {
        const shown = JSON.stringify(bad);
        await refuses(`attempts.hit(${shown})`, () => counters().hit(bad as string, MINUTE, new Date()));
        await refuses(`attempts.undo(${shown})`, () => counters().undo(bad as string, new Date()));
        await refuses(`attempts.reset(${shown})`, () => counters().reset(bad as string));
      }
    });
  });
}
