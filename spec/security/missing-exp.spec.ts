import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

describe('attack: token without exp', function () {
  const app = buildApp();

  it('refuses a validly signed token that has no exp as 401 token_invalid (it would never expire)', async function () {
    const { exp: _exp, ...rest } = claims();
    const res = await getMe(app, forge({ alg: 'HS256', typ: 'JWT' }, rest));
    expectRefused(res);
    expect(res.body.error_description).to.match(/exp/);
  });

  it('refuses exp: null and exp: 0 as well', async function () {
    expectRefused(await getMe(app, forge({ alg: 'HS256' }, claims({ exp: null }))));
    expectRefused(await getMe(app, forge({ alg: 'HS256' }, claims({ exp: 0 }))), 'token_expired');
  });

  it('accepts the same claims with an exp (the control)', async function () {
    expect((await getMe(app, forge({ alg: 'HS256' }, claims()))).status).to.equal(200);
  });
});
