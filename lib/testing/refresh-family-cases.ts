import assert from 'node:assert/strict';
import { mocha } from './mocha.js';
import type { RefreshTokenRecord } from '../stores/store.js';
import { COERCED, DAY, NOT_STRINGS, type Handles, id, inDays, refuses } from './contract-handles.js';

const record = (jti: string, family: string, expiresAt = inDays(1)): RefreshTokenRecord => ({ jti, family, user: '1', expiresAt });

/** The refresh-token part of the store contract beyond pair mode's flow: concurrency, revocation's lifetime, ids. */
export function refreshFamilyCases(handles: Handles): void {
  const { describe, it } = mocha();
  describe('refresh families', () => {
    it('of ten concurrent consumes of one jti, exactly one gets \'consumed\' and the rest \'reused\'', async () => {
      const { store } = handles;
      const jti = id('refresh');
      await store.refreshTokens.save(record(jti, id('family')));
      const results = await Promise.all(Array.from({ length: 10 }, () => store.refreshTokens.consume(jti, new Date())));
      assert.equal(results.filter((r) => r === 'consumed').length, 1);
      assert.equal(results.filter((r) => r === 'reused').length, 9);
    });

    it('gives exactly one \'consumed\' to concurrent consumes through two handles on the same backend', async () => {
      const { store } = handles;
      const other = await handles.second();
      const jti = id('refresh');
      await store.refreshTokens.save(record(jti, id('family')));
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).refreshTokens.consume(jti, new Date())));
      assert.equal(results.filter((r) => r === 'consumed').length, 1);
    });

    it('answers \'reused\' to a second consume, and \'unknown\' to a jti never saved', async () => {
      const { store } = handles;
      const jti = id('refresh');
      await store.refreshTokens.save(record(jti, id('family')));
      assert.equal(await store.refreshTokens.consume(jti, new Date()), 'consumed');
      assert.equal(await store.refreshTokens.consume(jti, new Date()), 'reused');
      assert.equal(await store.refreshTokens.consume(id('never'), new Date()), 'unknown');
    });

    it('revokes a whole family: its tokens answer \'revoked\' on every handle, other families are untouched', async () => {
      const { store } = handles;
      const other = await handles.second();
      const family = id('family');
      const [a, b, c] = [id('refresh'), id('refresh'), id('refresh')];
      await store.refreshTokens.save(record(a, family));
      await store.refreshTokens.save(record(b, family));
      await store.refreshTokens.save(record(c, id('family')));
      assert.equal(await store.refreshTokens.isFamilyRevoked(family), false);
      await store.refreshTokens.consume(a, new Date());
      await store.refreshTokens.revokeFamily(family, new Date());
      assert.equal(await other.refreshTokens.isFamilyRevoked(family), true);
      assert.equal(await store.refreshTokens.consume(a, new Date()), 'revoked');
      assert.equal(await other.refreshTokens.consume(b, new Date()), 'revoked');
      assert.equal(await store.refreshTokens.consume(c, new Date()), 'consumed');
    });

    it('never keeps a family revoked shorter than asked: a later revocation with an earlier expiresAt shortens nothing', async () => {
      const { store } = handles;
      const family = id('family');
      const [a, b] = [id('refresh'), id('refresh')];
      await store.refreshTokens.save(record(a, family, inDays(7)));
      await store.refreshTokens.save(record(b, family, inDays(7)));
      await store.refreshTokens.revokeFamily(family, new Date(), inDays(7));
      // Revoked again (a second logout, a reuse seen on another instance) with an expiry that
      // has already passed: the first revocation still holds.
      await store.refreshTokens.revokeFamily(family, new Date(), new Date(Date.now() - DAY));
      assert.equal(await store.refreshTokens.isFamilyRevoked(family), true);
      assert.equal(await store.refreshTokens.consume(a, new Date()), 'revoked');
      const late = id('refresh');
      await store.refreshTokens.save(record(late, family));
      assert.equal(await store.refreshTokens.consume(late, new Date()), 'revoked', 'a token of the family saved afterwards is born revoked');
      assert.equal(await store.refreshTokens.consume(b, new Date()), 'revoked');
    });

    it('revokes a family none of whose tokens was saved yet: tokens saved afterwards are born revoked', async () => {
      // Pair mode records a successor before consuming its predecessor, on whichever instance:
      // a revocation may reach the store before any token of the family.
      const { store } = handles;
      const [withExpiry, without] = [id('family'), id('family')];
      await store.refreshTokens.revokeFamily(withExpiry, new Date(), inDays(1));
      await store.refreshTokens.revokeFamily(without, new Date());
      for (const family of [withExpiry, without]) {
        assert.equal(await store.refreshTokens.isFamilyRevoked(family), true);
        const jti = id('refresh');
        await store.refreshTokens.save(record(jti, family));
        assert.equal(await store.refreshTokens.consume(jti, new Date()), 'revoked');
        assert.equal(await store.refreshTokens.isFamilyRevoked(family), true);
      }
    });

    it('keeps a family revoked with a short expiresAt in force until then', async () => {
      const { store } = handles;
      const family = id('family');
      const jti = id('refresh');
      await store.refreshTokens.save(record(jti, family, inDays(7)));
      await store.refreshTokens.revokeFamily(family, new Date(), new Date(Date.now() + 60_000));
      assert.equal(await store.refreshTokens.isFamilyRevoked(family), true);
      assert.equal(await store.refreshTokens.consume(jti, new Date()), 'revoked');
    });

    it('refuses a jti, family or user that is not a string, and stores nothing', async () => {
      const { store } = handles;
      const family = id('family');
      for (const bad of NOT_STRINGS) {
        const shown = JSON.stringify(bad);
        await refuses(`refreshTokens.save with jti ${shown}`, () => store.refreshTokens.save(record(bad as string, family)));
        await refuses(`refreshTokens.save with family ${shown}`, () => store.refreshTokens.save(record(id('refresh'), bad as string)));
        await refuses(`refreshTokens.save with user ${shown}`, () => store.refreshTokens.save({ ...record(id('refresh'), family), user: bad as string }));
        await refuses(`refreshTokens.consume(${shown})`, () => store.refreshTokens.consume(bad as string, new Date()));
        await refuses(`refreshTokens.revokeFamily(${shown})`, () => store.refreshTokens.revokeFamily(bad as string, new Date(), inDays(1)));
        await refuses(`refreshTokens.isFamilyRevoked(${shown})`, () => store.refreshTokens.isFamilyRevoked(bad as string));
      }
      for (const coerced of COERCED) {
        assert.equal(await store.refreshTokens.consume(coerced, new Date()), 'unknown', `nothing saved as ${coerced}`);
        assert.equal(await store.refreshTokens.isFamilyRevoked(coerced), false, `no family ${coerced} revoked`);
      }
      assert.equal(await store.refreshTokens.isFamilyRevoked(family), false);
    });
  });
}
