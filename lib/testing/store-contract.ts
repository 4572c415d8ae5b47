import assert from 'node:assert/strict';
import { mocha } from './mocha.js';
import type { Store } from '../stores/store.js';
import { attemptCases } from './attempt-cases.js';
import { blacklistCases } from './blacklist-cases.js';
import { contractHandles, id, inDays, type StoreContractOptions } from './contract-handles.js';
import { refreshFamilyCases } from './refresh-family-cases.js';
import { refreshTokenCases } from './refresh-token-cases.js';
import { signingKeyCases } from './signing-key-cases.js';
import { userSecretCases } from './user-secret-cases.js';

export type { StoreContractOptions } from './contract-handles.js';

/**
 * The one Store contract: every store implementation runs these specs unchanged. `makeStore`
 * gives a store for each case (emptied or not: every case uses fresh ids); the store is closed
 * after the case. `options.secondHandle(store)` gives another handle on the same backend (a
 * second client of the same server), so that what one instance writes is checked from another.
 *
 * @example
 * ```ts
 * storeContract('memoryStore', () => memoryStore(), { secondHandle: (store) => store });
 * storeContract('redisStore', () => redisStore(new Redis(url)), { secondHandle: () => redisStore(new Redis(url)) });
 * ```
 */
export function storeContract(name: string, makeStore: () => Store | Promise<Store>, options: StoreContractOptions = {}): void {
  const { describe, it } = mocha();
  describe(`Store contract: ${name}`, () => {
    const handles = contractHandles(makeStore, options);

    // Pair mode's consume / reuse / family-revocation flow, for every store alike.
    refreshTokenCases(() => makeStore());
    blacklistCases(handles);
    refreshFamilyCases(handles);
    userSecretCases(handles);
    attemptCases(handles);
    signingKeyCases(handles);

    describe('close', () => {
      it('close(), where a store has it, resolves after the store was used', async function () {
        const { store } = handles;
        if (!store.close) this.skip(); // optional: a store holding no connection has nothing to close
        await store.blacklist.add({ tokenId: id('jti'), expiresAt: inDays(1), blacklistedAt: new Date() });
        await store.userSecrets.get(id('user'));
        handles.closed();
        assert.equal(await store.close(), undefined);
      });
    });
  });
}
