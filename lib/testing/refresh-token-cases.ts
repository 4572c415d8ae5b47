import assert from 'node:assert/strict';
import { mocha } from './mocha.js';
import type { RefreshTokenRecord, Store } from '../stores/store.js';

/**
 * The refresh-token part of the store contract that pair mode relies on (consume, reuse,
 * family revocation), as a function the store-contract suite calls once per store.
 * `makeStore` gives an empty store for each case.
 *
 * @example
 * ```ts
 * describe('memoryStore', () => refreshTokenCases(async () => memoryStore()));
 * ```
 */
export function refreshTokenCases(makeStore: () => Store | Promise<Store>): void {
  const { describe, it, beforeEach, afterEach } = mocha();
  describe('refreshTokens (pair mode)', () => {
    let store: Store;
    let n = 0;
    beforeEach(async () => { store = await makeStore(); });
    afterEach(async () => { await store.close?.(); });

    const record = (family?: string): RefreshTokenRecord => {
      const jti = `jti-${process.pid}-${Date.now()}-${n++}`;
      return { jti, family: family ?? jti, user: '1', expiresAt: new Date(Date.now() + 3_600_000) };
    };
    const at = () => new Date();

    it('consumes a saved refresh token once, then answers reused', async () => {
      const r = record();
      await store.refreshTokens.save(r);
      assert.equal(await store.refreshTokens.consume(r.jti, at()), 'consumed');
      assert.equal(await store.refreshTokens.consume(r.jti, at()), 'reused');
    });

    it('answers unknown for a jti never saved', async () => {
      assert.equal(await store.refreshTokens.consume('never-saved', at()), 'unknown');
    });

    it('gives exactly one consumed to ten concurrent consumes of one jti', async () => {
      const r = record();
      await store.refreshTokens.save(r);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.refreshTokens.consume(r.jti, at())));
      assert.equal(results.filter((x) => x === 'consumed').length, 1);
      assert.equal(results.filter((x) => x === 'reused').length, 9);
    });

    it('revokes every token of a family, consumed or not, and no other family', async () => {
      const first = record();
      const second = record(first.family);
      const other = record();
      for (const r of [first, second, other]) await store.refreshTokens.save(r);
      await store.refreshTokens.consume(first.jti, at());
      await store.refreshTokens.revokeFamily(first.family, at());
      assert.equal(await store.refreshTokens.isFamilyRevoked(first.family), true);
      assert.equal(await store.refreshTokens.isFamilyRevoked(other.family), false);
      assert.equal(await store.refreshTokens.consume(second.jti, at()), 'revoked');
      assert.equal(await store.refreshTokens.consume(first.jti, at()), 'revoked');
      assert.equal(await store.refreshTokens.consume(other.jti, at()), 'consumed');
    });

    it('keeps a family revoked for a token of it saved after the revocation', async () => {
      // Pair mode records the successor before consuming its predecessor: a reuse detected in
      // between revokes a family whose newest token is saved a moment later.
      const first = record();
      await store.refreshTokens.save(first);
      await store.refreshTokens.revokeFamily(first.family, at());
      const late = record(first.family);
      await store.refreshTokens.save(late);
      assert.equal(await store.refreshTokens.consume(late.jti, at()), 'revoked');
    });

    it('revoking a family twice is not an error', async () => {
      const r = record();
      await store.refreshTokens.save(r);
      await store.refreshTokens.revokeFamily(r.family, at());
      await store.refreshTokens.revokeFamily(r.family, at());
      assert.equal(await store.refreshTokens.isFamilyRevoked(r.family), true);
    });
  });
}
