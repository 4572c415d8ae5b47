import assert from 'node:assert/strict';
import { mocha } from './mocha.js';
import { NOT_STRINGS, type Handles, id, refuses } from './contract-handles.js';

/** The per-user secret part of the store contract. */
export function userSecretCases(handles: Handles): void {
  const { describe, it } = mocha();
  describe('user secrets', () => {
    it('creates a secret on first get and answers the same one after, on every handle', async () => {
      const { store } = handles;
      const other = await handles.second();
      const user = id('user');
      const first = await store.userSecrets.get(user);
      assert.equal(typeof first, 'string');
      assert.ok(first.length >= 32, `a secret of at least 32 characters, got ${first.length}`);
      assert.equal(await store.userSecrets.get(user), first);
      assert.equal(await other.userSecrets.get(user), first);
      assert.notEqual(await store.userSecrets.get(id('user')), first);
    });

    it('agrees on one secret when first gets run concurrently', async () => {
      const { store } = handles;
      const other = await handles.second();
      const user = id('user');
      const secrets = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).userSecrets.get(user)));
      assert.equal(new Set(secrets).size, 1);
    });

    it('rotate replaces the secret, and get answers the new one', async () => {
      const { store } = handles;
      const other = await handles.second();
      const user = id('user');
      const before = await store.userSecrets.get(user);
      const rotated = await store.userSecrets.rotate(user);
      assert.equal(typeof rotated, 'string');
      assert.ok(rotated.length >= 32, `a secret of at least 32 characters, got ${rotated.length}`);
      assert.notEqual(rotated, before);
      assert.equal(await store.userSecrets.get(user), rotated);
      assert.equal(await other.userSecrets.get(user), rotated);
    });

    it('refuses a user id that is not a string', async () => {
      const { store } = handles;
      for (const bad of NOT_STRINGS) {
        await refuses(`userSecrets.get(${JSON.stringify(bad)})`, () => store.userSecrets.get(bad as string));
        await refuses(`userSecrets.rotate(${JSON.stringify(bad)})`, () => store.userSecrets.rotate(bad as string));
      }
    });
  });
}
