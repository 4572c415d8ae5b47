import { expect } from 'chai';
import sinon from 'sinon';
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

  describe('the leeway boundary, to the second', function () {
    let clock: sinon.SinonFakeTimers;
    // The clock stands still, so `now + leeway` is exact.
    beforeEach(function () { clock = sinon.useFakeTimers({ now: 1_900_000_000_000, toFake: ['Date'] }); });
    afterEach(function () { clock.restore(); });
    // clockSkew 0: the boundary under test is token.leeway's (clockSkew has its own spec, clock-skew.spec.ts).
    const lenient = buildApp({ token: { leeway: 10, clockSkew: 0 } });
    const strict = buildApp({ token: { clockSkew: 0 } });
    const at = () => Math.floor(Date.now() / 1000);

    it('accepts iat exactly token.leeway seconds ahead', async function () {
      expect((await getMe(lenient, forge({ alg: 'HS256' }, claims({ iat: at() + 10, exp: at() + 60 })))).status).to.equal(200);
    });

    it('refuses iat one second past token.leeway', async function () {
      expectRefused(await getMe(lenient, forge({ alg: 'HS256' }, claims({ iat: at() + 11, exp: at() + 60 }))));
    });

    it('without leeway: accepts iat = now, refuses iat = now + 1', async function () {
      expect((await getMe(strict, forge({ alg: 'HS256' }, claims({ iat: at(), exp: at() + 60 })))).status).to.equal(200);
      expectRefused(await getMe(strict, forge({ alg: 'HS256' }, claims({ iat: at() + 1, exp: at() + 60 }))));
    });
  });

  it('accepts iat a little in the future within token.leeway', async function () {
    const lenient = buildApp({ token: { leeway: 30 } });
    expect((await getMe(lenient, forge({ alg: 'HS256' }, claims({ iat: nowSeconds() + 10 })))).status).to.equal(200);
  });
});
