import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { nowSeconds } from '../helpers/tokens.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

describe('attack: iat in the future', function () {
  const app = buildApp();

  it('refuses a token issued an hour from now as 401 token_invalid', async function () {
    const res = await getMe(app, forge({ alg: 'HS256' }, claims({ iat: nowSeconds() + 3600 })));
    expectRefused(res);
    expect(res.body.error_description).to.match(/future/);
  });

  it('refuses iat as a string', async function () {
    expectRefused(await getMe(app, forge({ alg: 'HS256' }, claims({ iat: String(nowSeconds()) }))));
  });

  it('accepts iat a little in the future within token.leeway', async function () {
    const lenient = buildApp({ token: { leeway: 30 } });
    expect((await getMe(lenient, forge({ alg: 'HS256' }, claims({ iat: nowSeconds() + 10 })))).status).to.equal(200);
  });
});
