import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testConfig } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { decode, handSign, nowSeconds } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

// The single-token refresh (drf-jwt's) as auth.authority.refresh gives it: the rules that hold
// whatever route is mounted (the refresh route is mounted only when refresh.allow is on).

const alice = { id: '1', username: 'alice' };

async function refusal(promise: Promise<unknown>, code: string): Promise<{ code?: string; message: string }> {
  const err = await rejectsWithCode(promise, code);
  return { code: err.code, message: err.message };
}

describe('refreshing a token (single-token mode)', function () {
  it('is refused while refresh.allow is off, even through the API', async function () {
    const auth = koaJwt(testConfig({ refresh: { allow: false } }));
    const { token } = await auth.issue(alice);
    expect(await refusal(internalsOf(auth).authority.refresh(token), 'refresh_not_allowed')).to.deep.equal({ code: 'refresh_not_allowed', message: 'Token refresh is disabled.' });
    auth.close();
  });

  it('is refused for a token without orig_iat (another issuer\'s, or one made before refresh was on)', async function () {
    const auth = koaJwt(testConfig());
    const at = nowSeconds();
    const token = handSign({ user_id: '1', username: 'alice', iat: at, exp: at + 60, jti: 'j-1' });
    expect(await refusal(internalsOf(auth).authority.refresh(token), 'refresh_not_allowed')).to.deep.equal({ code: 'refresh_not_allowed', message: 'This token has no orig_iat and cannot be refreshed.' });
    auth.close();
  });

  it('with token.tokenId off, the refreshed token carries no jti, even when the old one had one (issued before the switch)', async function () {
    const before = koaJwt(testConfig({ token: { tokenId: 'include' } }));
    const { token } = await before.issue(alice);
    const oldJti = decode(token).payload.jti;
    expect(oldJti).to.be.a('string');
    before.close();

    const after = koaJwt(testConfig({ token: { tokenId: 'off' } }));
    const { token: refreshed } = await internalsOf(after).authority.refresh(token);
    const { payload } = decode(refreshed);
    expect(payload).to.not.have.property('jti');
    expect(payload.orig_jti, 'the family keeps the first token\'s id').to.equal(oldJti);
    after.close();
  });
});
