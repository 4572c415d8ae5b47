import assert from 'node:assert/strict';
import { mocha } from './mocha.js';
import { COERCED, DAY, NOT_STRINGS, SECOND, type Handles, id, inDays, refuses, sleep } from './contract-handles.js';

/** How long the real-time expiry case waits: long enough for an engine's own TTL, short for a suite. */
const SHORT_LIFE_MS = 1200;

/** The blacklist part of the store contract. */
export function blacklistCases(handles: Handles): void {
  const { describe, it } = mocha();
  describe('blacklist', () => {
    it('answers false for an id never added and true once it is added', async () => {
      const { store } = handles;
      const tokenId = id('jti');
      assert.equal(await store.blacklist.isBlacklisted([tokenId]), false);
      await store.blacklist.add({ tokenId, user: '1', expiresAt: inDays(1), blacklistedAt: new Date() });
      assert.equal(await store.blacklist.isBlacklisted([tokenId]), true);
    });

    it('answers true when any one of several ids (jti, family id) is revoked', async () => {
      const { store } = handles;
      const family = id('family');
      await store.blacklist.add({ tokenId: family, expiresAt: inDays(1), blacklistedAt: new Date() });
      assert.equal(await store.blacklist.isBlacklisted([id('jti'), family]), true);
      assert.equal(await store.blacklist.isBlacklisted([id('jti'), id('other')]), false);
      assert.equal(await store.blacklist.isBlacklisted([]), false);
    });

    it('answers isBlacklistedNow, where a store offers it, as isBlacklisted does', async function () {
      const { store } = handles;
      if (!store.blacklist.isBlacklistedNow) this.skip(); // optional: only in-process stores have it
      const tokenId = id('jti');
      assert.equal(store.blacklist.isBlacklistedNow!([tokenId]), false);
      assert.equal(store.blacklist.isBlacklistedNow!([]), false);
      await store.blacklist.add({ tokenId, expiresAt: inDays(1), blacklistedAt: new Date() });
      assert.equal(store.blacklist.isBlacklistedNow!([id('other'), tokenId]), true);
      assert.equal(store.blacklist.isBlacklistedNow!([tokenId]), await store.blacklist.isBlacklisted([tokenId]));
    });

    it('accepts the same id twice without an error (idempotent)', async () => {
      const { store } = handles;
      const tokenId = id('jti');
      const entry = { tokenId, token: 'a.b.c', expiresAt: inDays(1), blacklistedAt: new Date() };
      await store.blacklist.add(entry);
      await store.blacklist.add(entry);
      await Promise.all([store.blacklist.add(entry), store.blacklist.add(entry), store.blacklist.add(entry)]);
      assert.equal(await store.blacklist.isBlacklisted([tokenId]), true);
    });

    it('shows a revocation made through one handle to another handle on the same backend, before add resolves', async () => {
      const { store } = handles;
      const other = await handles.second();
      const tokenId = id('jti');
      await store.blacklist.add({ tokenId, expiresAt: inDays(1), blacklistedAt: new Date() });
      assert.equal(await other.blacklist.isBlacklisted([tokenId]), true);
      if (other.blacklist.listSince) assert.ok((await other.blacklist.listSince(new Date())).includes(tokenId), 'listSince on the other handle lists it');
    });

    it('lists with listSince(since) every entry still in force at since, and none that expired before it', async function () {
      const { store } = handles;
      if (!store.blacklist.listSince) this.skip(); // optional: blacklist.cache refuses a store without it
      const [expired, today, nextWeek] = [id('expired'), id('today'), id('next-week')];
      const other = await handles.second();
      await store.blacklist.add({ tokenId: today, expiresAt: inDays(1), blacklistedAt: new Date() });
      await other.blacklist.add({ tokenId: nextWeek, expiresAt: inDays(7), blacklistedAt: new Date() });
      await store.blacklist.add({ tokenId: expired, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date(Date.now() - 2 * DAY) });
      const listed = await store.blacklist.listSince(new Date());
      assert.ok(Array.isArray(listed), 'listSince resolves an array of token ids');
      assert.ok(listed.includes(today) && listed.includes(nextWeek), 'both entries in force are listed, whichever handle added them');
      assert.ok(!listed.includes(expired), 'an entry that expired before `since` is not listed');
      assert.ok(listed.every((x) => typeof x === 'string'), 'token ids are strings');
      const inTwoDays = await store.blacklist.listSince(inDays(2));
      assert.ok(inTwoDays.includes(nextWeek) && !inTwoDays.includes(today), 'listSince(in two days) lists only the entry still in force then');
    });

    it('lists an entry with listSince(its expiresAt): it is in force until then, as deleteStale keeps it', async function () {
      const { store } = handles;
      if (!store.blacklist.listSince) this.skip();
      const tokenId = id('jti');
      const expiresAt = inDays(1);
      await store.blacklist.add({ tokenId, expiresAt, blacklistedAt: new Date() });
      assert.ok((await store.blacklist.listSince(expiresAt)).includes(tokenId), 'listed at its expiresAt');
      assert.ok(!(await store.blacklist.listSince(new Date(expiresAt.getTime() + 1))).includes(tokenId), 'not listed a millisecond after');
    });

    it('deleteStale removes entries whose expiresAt has passed and resolves how many it removed', async () => {
      const { store } = handles;
      const stale = [id('stale'), id('stale')];
      const live = id('live');
      for (const tokenId of stale) await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date() });
      await store.blacklist.add({ tokenId: live, expiresAt: inDays(1), blacklistedAt: new Date() });
      // An engine that expires entries itself may have removed them already: deleteStale then has
      // nothing left to count. Whatever is still there, it removes and counts.
      let present = 0;
      for (const tokenId of stale) if (await store.blacklist.isBlacklisted([tokenId])) present++;
      assert.equal(await store.blacklist.deleteStale(new Date()), present);
      assert.equal(await store.blacklist.isBlacklisted(stale), false);
      assert.equal(await store.blacklist.isBlacklisted([live]), true);
      assert.equal(await store.blacklist.deleteStale(new Date()), 0, 'a second deleteStale has nothing left to remove');
    });

    it('deleteStale counts an entry once, however many times it was added', async () => {
      const { store } = handles;
      const tokenId = id('stale');
      // Added again with a later expiry, both already past: one entry, removed once.
      await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - 2 * DAY), blacklistedAt: new Date() });
      await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date() });
      await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date() });
      const present = (await store.blacklist.isBlacklisted([tokenId])) ? 1 : 0;
      assert.equal(await store.blacklist.deleteStale(new Date()), present);
      assert.equal(await store.blacklist.isBlacklisted([tokenId]), false);
    });

    it('keeps an entry until its expiresAt: deleteStale(now) keeps one that expires at now or later', async () => {
      const { store } = handles;
      const tokenId = id('jti');
      const expiresAt = inDays(1);
      await store.blacklist.add({ tokenId, expiresAt, blacklistedAt: new Date() });
      assert.equal(await store.blacklist.deleteStale(new Date(expiresAt.getTime() - 1)), 0, 'kept a millisecond before its expiry');
      assert.equal(await store.blacklist.deleteStale(new Date(expiresAt)), 0, 'kept at its expiry');
      assert.equal(await store.blacklist.isBlacklisted([tokenId]), true);
      const later = new Date(expiresAt.getTime() + DAY);
      await store.blacklist.add({ tokenId, expiresAt: later, blacklistedAt: new Date() });
      assert.equal(await store.blacklist.deleteStale(later), 0, 'kept at its lengthened expiry');
      assert.equal(await store.blacklist.isBlacklisted([tokenId]), true);
    });

    it('is rid of an entry once its expiresAt has passed, removed by deleteStale or by the engine itself', async function () {
      this.timeout(SHORT_LIFE_MS + 10 * SECOND);
      const { store } = handles;
      const [short, long] = [id('short'), id('long')];
      const expiresAt = new Date(Date.now() + SHORT_LIFE_MS);
      await store.blacklist.add({ tokenId: short, expiresAt, blacklistedAt: new Date() });
      await store.blacklist.add({ tokenId: long, expiresAt: inDays(1), blacklistedAt: new Date() });
      // A store may never drop an entry early: checked only while its expiry is surely ahead.
      if (Date.now() < expiresAt.getTime() - 200) assert.equal(await store.blacklist.isBlacklisted([short]), true, 'in force before its expiresAt');
      await sleep(expiresAt.getTime() - Date.now() + 50);
      await store.blacklist.deleteStale(new Date());
      assert.equal(await store.blacklist.isBlacklisted([short]), false);
      assert.equal(await store.blacklist.isBlacklisted([long]), true);
      if (store.blacklist.listSince) assert.ok(!(await store.blacklist.listSince(new Date())).includes(short), 'no longer listed');
    });

    it('never shortens an entry\'s expiresAt: adding it again with an earlier one keeps the later', async () => {
      const { store } = handles;
      const tokenId = id('jti');
      const expiresAt = inDays(7);
      await store.blacklist.add({ tokenId, expiresAt, blacklistedAt: new Date() });
      await store.blacklist.add({ tokenId, expiresAt: new Date(Date.now() - DAY), blacklistedAt: new Date() });
      await store.blacklist.add({ tokenId, expiresAt: inDays(1), blacklistedAt: new Date() });
      assert.equal(await store.blacklist.deleteStale(new Date()), 0);
      assert.equal(await store.blacklist.deleteStale(inDays(3)), 0, 'still in force after the earlier expiries');
      assert.equal(await store.blacklist.isBlacklisted([tokenId]), true);
      if (store.blacklist.listSince) assert.ok((await store.blacklist.listSince(inDays(3))).includes(tokenId), 'listed as in force after the earlier expiries');
    });

    it('lengthens an entry\'s expiresAt when added again with a later one', async () => {
      const { store } = handles;
      const tokenId = id('jti');
      await store.blacklist.add({ tokenId, expiresAt: inDays(1), blacklistedAt: new Date() });
      await store.blacklist.add({ tokenId, expiresAt: inDays(7), blacklistedAt: new Date() });
      assert.equal(await store.blacklist.deleteStale(inDays(3)), 0);
      assert.equal(await store.blacklist.isBlacklisted([tokenId]), true);
    });

    it('refuses a tokenId or user that is not a string, and stores nothing', async () => {
      const { store } = handles;
      const entry = { expiresAt: inDays(1), blacklistedAt: new Date() };
      for (const bad of NOT_STRINGS) {
        const shown = JSON.stringify(bad);
        await refuses(`blacklist.add with tokenId ${shown}`, () => store.blacklist.add({ ...entry, tokenId: bad as string }));
        await refuses(`blacklist.add with user ${shown}`, () => store.blacklist.add({ ...entry, tokenId: id('jti'), user: bad as string }));
        await refuses(`blacklist.isBlacklisted([${shown}])`, () => store.blacklist.isBlacklisted([id('jti'), bad as string]));
        if (store.blacklist.isBlacklistedNow) await refuses(`blacklist.isBlacklistedNow([${shown}])`, () => store.blacklist.isBlacklistedNow!([id('jti'), bad as string]));
      }
      assert.equal(await store.blacklist.isBlacklisted(COERCED), false);
      if (store.blacklist.listSince) {
        const listed = await store.blacklist.listSince(new Date());
        assert.ok(listed.every((x) => typeof x === 'string' && !COERCED.includes(x)), `nothing stored, listSince gave ${JSON.stringify(listed)}`);
      }
    });
  });
}
