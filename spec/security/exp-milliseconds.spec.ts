import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { nowSeconds } from '../helpers/tokens.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

// exp written in milliseconds (Date.now() + …) lies ~50 000 years ahead: a token for ever.
describe('attack: exp in milliseconds', function () {
  const app = buildApp();

  it('refuses exp = Date.now() + 60 s (milliseconds) as 401 token_invalid', async function () {
    const res = await getMe(app, forge({ alg: 'HS256' }, claims({ exp: Date.now() + 60_000 })));
    expectRefused(res);
    expect(res.body.error_description).to.match(/longer than this service allows/);
  });

  it('refuses an exp past the maximum lifetime (token.expiresIn) even in seconds', async function () {
    expectRefused(await getMe(app, forge({ alg: 'HS256' }, claims({ exp: nowSeconds() + 3600 }))));
  });

  it('refuses exp as a huge or non-finite number', async function () {
    expectRefused(await getMe(app, forge({ alg: 'HS256' }, claims({ exp: 1e308 }))));
    expectRefused(await getMe(app, forge({ alg: 'HS256' }, JSON.stringify(claims()).replace(/"exp":\d+/, '"exp":1e999'))));
  });

  it('accepts exp within the lifetime (the control)', async function () {
    expect((await getMe(app, forge({ alg: 'HS256' }, claims({ exp: nowSeconds() + 250 })))).status).to.equal(200);
  });
});
