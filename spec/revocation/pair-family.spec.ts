import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { testConfig } from '../helpers/app.js';
import { decode } from '../helpers/tokens.js';

// In pair mode a revocation reaches both records: the blacklist (the family id, for the access
// tokens) and the refresh-token store (the family itself), so that the store alone already
// refuses the family's refresh tokens (a mutation run: dropping the second write failed no spec).
describe('revocation in pair mode', () => {
  it('revoking an access token marks its refresh family revoked in the store', async () => {
    const store = memoryStore();
    const auth = koaJwt(testConfig({ store, refresh: { pair: true } }));
    const { token, refresh } = await auth.issue({ id: '1', username: 'alice' });
    const family = decode(refresh!).payload.jti as string;
    expect(await store.refreshTokens.isFamilyRevoked(family)).to.equal(false);
    expect(await auth.blacklist(token)).to.equal(family);
    expect(await store.refreshTokens.isFamilyRevoked(family)).to.equal(true);
  });

  it('outside pair mode the refresh-token store is not written', async () => {
    const store = memoryStore();
    let writes = 0;
    const revokeFamily = store.refreshTokens.revokeFamily.bind(store.refreshTokens);
    store.refreshTokens.revokeFamily = async (...args) => { writes++; return revokeFamily(...args); };
    const auth = koaJwt(testConfig({ store }));
    await auth.blacklist((await auth.issue({ id: '1', username: 'alice' })).token);
    expect(writes).to.equal(0);
  });
});
