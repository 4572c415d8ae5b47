import assert from 'node:assert/strict';
import { mocha } from './mocha.js';
import type { StoredSigningKey } from '../stores/store.js';
import { COERCED, DAY, NOT_STRINGS, type Handles, id, ms, refuses, signingKey } from './contract-handles.js';

/** Every field of a stored key, each set, with dates to the millisecond. */
function fullKey(kid: string): StoredSigningKey {
  const now = Date.now();
  return signingKey(kid, { state: 'next', createdAt: ms(now - DAY), activatesAt: ms(now + DAY), retiredAt: ms(now + 2 * DAY), notAfter: ms(now + 3 * DAY) });
}

const DATE_FIELDS = ['createdAt', 'activatesAt', 'retiredAt', 'notAfter'] as const;

/** The managed signing key part of the store contract. */
export function signingKeyCases(handles: Handles): void {
  const { describe, it } = mocha();
  const listed = async (kid: string) => (await handles.store.signingKeys.list()).filter((k) => k.kid === kid);

  describe('signing keys', () => {
    it('inserts a key once: a duplicate kid resolves false and changes nothing, on any handle', async () => {
      const { store } = handles;
      const other = await handles.second();
      const kid = id('kid');
      assert.equal(await store.signingKeys.insert(signingKey(kid)), true);
      assert.equal(await other.signingKeys.insert(signingKey(kid, { alg: 'RS256' })), false);
      const keys = await listed(kid);
      assert.equal(keys.length, 1);
      assert.equal(keys[0]!.alg, 'ES256');
      assert.deepEqual(keys[0]!.privateJwk, signingKey(kid).privateJwk);
    });

    it('lets exactly one of concurrent inserts of one kid win', async () => {
      const { store } = handles;
      const other = await handles.second();
      const kid = id('kid');
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).signingKeys.insert(signingKey(kid, { alg: i ? 'RS256' : 'ES256' }))));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await listed(kid)).length, 1);
    });

    it('lists every field as inserted, dates as Date instances', async () => {
      const { store } = handles;
      const kid = id('kid');
      const key = fullKey(kid);
      await store.signingKeys.insert(key);
      const [found] = await listed(kid);
      assert.ok(found, 'the key is listed');
      for (const field of DATE_FIELDS) {
        assert.ok(found[field] instanceof Date, `${field} is a Date`);
        assert.equal(found[field]!.getTime(), key[field]!.getTime(), field);
      }
      assert.deepEqual({ ...found }, { ...key });
      const bare = id('kid');
      await store.signingKeys.insert(signingKey(bare));
      const [plain] = await listed(bare);
      assert.deepEqual(Object.keys(plain!).filter((k) => plain![k as keyof StoredSigningKey] !== undefined).sort(), ['alg', 'createdAt', 'kid', 'privateJwk', 'state'], 'no optional field appears that was never set');
    });

    it('update merges the fields given and leaves every other field as it was', async () => {
      const { store } = handles;
      const other = await handles.second();
      const kid = id('kid');
      const key = fullKey(kid);
      await store.signingKeys.insert(key);
      await store.signingKeys.update(kid, { state: 'active' });
      assert.deepEqual({ ...(await listed(kid))[0] }, { ...key, state: 'active' });
      const retiredAt = ms(Date.now() + 5 * DAY);
      await other.signingKeys.update(kid, { retiredAt });
      assert.deepEqual({ ...(await listed(kid))[0] }, { ...key, state: 'active', retiredAt }, 'updated through another handle');
      const notAfter = ms(Date.now() + 9 * DAY);
      await store.signingKeys.update(kid, { state: 'retired', notAfter });
      const [found] = await listed(kid);
      assert.deepEqual({ ...found }, { ...key, state: 'retired', retiredAt, notAfter });
      for (const field of DATE_FIELDS) assert.ok(found![field] instanceof Date, `${field} is a Date after an update`);
    });

    it('updates fields of a key and lists every key; an update of an unknown kid creates nothing', async () => {
      const { store } = handles;
      const [a, b, unknown] = [id('kid'), id('kid'), id('kid')];
      await store.signingKeys.insert(signingKey(a));
      await store.signingKeys.insert(signingKey(b, { state: 'active' }));
      const retiredAt = ms(Date.now());
      await store.signingKeys.update(a, { state: 'retired', retiredAt });
      const count = (await store.signingKeys.list()).length;
      await store.signingKeys.update(unknown, { state: 'active' });
      const keys = await store.signingKeys.list();
      assert.equal(keys.length, count, 'an update of an unknown kid adds nothing');
      const found = keys.find((k) => k.kid === a)!;
      assert.equal(found.state, 'retired');
      assert.equal(found.retiredAt!.getTime(), retiredAt.getTime());
      assert.equal(keys.find((k) => k.kid === b)!.state, 'active');
      assert.equal(keys.find((k) => k.kid === unknown), undefined);
    });

    it('removes a key, and only that key', async () => {
      const { store } = handles;
      const [kid, kept] = [id('kid'), id('kid')];
      await store.signingKeys.insert(signingKey(kid));
      await store.signingKeys.insert(signingKey(kept));
      await store.signingKeys.remove(kid);
      await store.signingKeys.remove(id('never-inserted'));
      const kids = (await store.signingKeys.list()).map((k) => k.kid);
      assert.ok(!kids.includes(kid));
      assert.ok(kids.includes(kept));
    });

    it('refuses a kid that is not a string, and stores nothing', async () => {
      const { store } = handles;
      const kid = id('kid');
      await store.signingKeys.insert(signingKey(kid));
      for (const bad of NOT_STRINGS) {
        const shown = JSON.stringify(bad);
        await refuses(`signingKeys.insert with kid ${shown}`, () => store.signingKeys.insert(signingKey(bad as string)));
        await refuses(`signingKeys.update(${shown})`, () => store.signingKeys.update(bad as string, { state: 'retired' }));
        await refuses(`signingKeys.remove(${shown})`, () => store.signingKeys.remove(bad as string));
      }
      const keys = await store.signingKeys.list();
      assert.ok(keys.every((k) => typeof k.kid === 'string' && !COERCED.includes(k.kid)), `nothing stored, list gave kids ${JSON.stringify(keys.map((k) => k.kid))}`);
      assert.equal(keys.find((k) => k.kid === kid)?.state, 'next', 'an operator as kid matched no key');
    });
  });
}
