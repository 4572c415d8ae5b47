import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { SECRET } from '../helpers/keys.js';
import { decode, nowSeconds } from '../helpers/tokens.js';

// A mutation: dropping the scrub of registered claims failed no spec (only exp and jti were
// checked). A payload handler or extra claims often copy what a user controls (a profile, a
// request body); none of that may set a claim the issuer owns: a far exp, a chosen family
// (orig_jti: revoke someone else's), an act (impersonation), a token_type, aud or iss.
const ATTACKER: Record<string, unknown> = {
  exp: 9_999_999_999, iat: 1, jti: 'attacker-jti', orig_iat: 1, orig_jti: 'victim-family', aud: 'other-service', iss: 'https://evil.example',
  token_type: 'refresh', act: { sub: '3' }, orig_exp: 9_999_999_999,
};

describe('attack: registered claims set through the payload handler or extra claims', function () {
  const alice = { id: '1', username: 'alice' };
  const config = { keys: { secret: SECRET }, users: testUsers(), token: { audience: 'api', issuer: 'https://auth.example' } };

  function expectIssuerOwned(payload: Record<string, unknown>, at: number): void {
    for (const claim of Object.keys(ATTACKER)) expect(payload[claim], claim).to.not.deep.equal(ATTACKER[claim]);
    expect(payload.exp).to.be.within(at + 299, at + 301);
    expect(payload.iat).to.be.within(at - 1, at + 1);
    expect(payload.orig_iat).to.equal(payload.iat);
    expect(payload.aud).to.equal('api');
    expect(payload.iss).to.equal('https://auth.example');
    expect(payload).to.not.have.any.keys('token_type', 'act', 'orig_exp', 'orig_jti');
  }

  it('a payload handler returning every registered claim sets none of them', async function () {
    const auth = koaJwt({ ...config, token: { ...config.token, payload: (user) => ({ user_id: user.id, username: user.username, ...ATTACKER }) } });
    const at = nowSeconds();
    const { payload } = decode((await auth.issue(alice)).token);
    expectIssuerOwned(payload, at);
    expect(payload.user_id).to.equal('1');
  });

  it('extra claims given to auth.issue set none of them either', async function () {
    const auth = koaJwt(config);
    const at = nowSeconds();
    const { payload } = decode((await auth.issue(alice, { ...ATTACKER, plan: 'pro' })).token);
    expectIssuerOwned(payload, at);
    expect(payload.plan, 'a custom claim is kept (the control)').to.equal('pro');
  });
});
