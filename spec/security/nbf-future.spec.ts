import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { nowSeconds } from '../helpers/tokens.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

describe('attack: nbf in the future', function () {
  const app = buildApp();

  it('refuses a token not valid for another minute as 401 token_not_yet_valid', async function () {
    expectRefused(await getMe(app, forge({ alg: 'HS256' }, claims({ nbf: nowSeconds() + 60 }))), 'token_not_yet_valid');
  });

  it('accepts nbf in the past (the control)', async function () {
    expect((await getMe(app, forge({ alg: 'HS256' }, claims({ nbf: nowSeconds() - 1 })))).status).to.equal(200);
  });
});
