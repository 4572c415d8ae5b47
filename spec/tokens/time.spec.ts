import { expect } from 'chai';
import sinon from 'sinon';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testConfig } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { handSign, nowSeconds } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };
const build = (overrides: KoaJwtConfig = {}) => koaJwt(testConfig(overrides));

describe('time claims', () => {
  let clock: sinon.SinonFakeTimers;
  // Only Date is faked: timers, scrypt and sockets keep real time.
  beforeEach(() => { clock = sinon.useFakeTimers({ now: 1_800_000_000_000, toFake: ['Date'] }); });
  afterEach(() => clock.restore());

  describe('exp', () => {
    it('accepts a token up to its last second and refuses it at exp', async () => {
      const auth = build({ token: { expiresIn: 60 } });
      const { token } = await auth.issue(alice);
      clock.tick(59_999);
      expect((await auth.verify(token)).username).to.equal('alice');
      clock.tick(1);
      const err = await rejectsWithCode(auth.verify(token), 'token_expired');
      expect(err.status).to.equal(401);
    });

    it('extends acceptance by token.leeway', async () => {
      const auth = build({ token: { expiresIn: 60, leeway: 10 } });
      const { token } = await auth.issue(alice);
      clock.tick(69_000);
      expect((await auth.verify(token)).username).to.equal('alice');
      clock.tick(1_000);
      await rejectsWithCode(auth.verify(token), 'token_expired');
    });

    it('with verifyExpiration false, accepts an expired token', async () => {
      const auth = build({ token: { expiresIn: 60, verifyExpiration: false } });
      const { token } = await auth.issue(alice);
      clock.tick(3_600_000);
      expect((await auth.verify(token)).username).to.equal('alice');
    });

    it('refuses a token without exp', async () => {
      await rejectsWithCode(build().verify(handSign({ user_id: '1', iat: nowSeconds() })), 'token_invalid');
    });

    it('refuses a token without exp even with verifyExpiration false', async () => {
      await rejectsWithCode(build({ token: { verifyExpiration: false } }).verify(handSign({ user_id: '1' })), 'token_invalid');
    });

    it('refuses an exp written in milliseconds (past the maximum lifetime)', async () => {
      await rejectsWithCode(build().verify(handSign({ user_id: '1', exp: Date.now() + 60_000 })), 'token_invalid');
    });

    it('refuses an exp further away than the longest lifetime this config issues (plus token.clockSkew)', async () => {
      // An instance whose clock is ahead issues tokens that look longer-lived by as much.
      const auth = build({ token: { expiresIn: 300, clockSkew: 5 } });
      expect((await auth.verify(handSign({ user_id: '1', exp: nowSeconds() + 305 }))).user_id).to.equal('1');
      await rejectsWithCode(auth.verify(handSign({ user_id: '1', exp: nowSeconds() + 306 })), 'token_invalid');
    });

    it('refuses an exp that is not a number', async () => {
      await rejectsWithCode(build().verify(handSign({ user_id: '1', exp: String(nowSeconds() + 60) })), 'token_invalid');
    });
  });

  describe('nbf', () => {
    it('refuses a token before nbf, and accepts it from nbf on', async () => {
      const auth = build();
      const token = handSign({ user_id: '1', nbf: nowSeconds() + 30, exp: nowSeconds() + 120 });
      const err = await rejectsWithCode(auth.verify(token), 'token_not_yet_valid');
      expect(err.status).to.equal(401);
      clock.tick(30_000);
      expect((await auth.verify(token)).user_id).to.equal('1');
    });

    it('accepts a token token.leeway before nbf', async () => {
      const auth = build({ token: { leeway: 30 } });
      expect((await auth.verify(handSign({ user_id: '1', nbf: nowSeconds() + 30, exp: nowSeconds() + 120 }))).user_id).to.equal('1');
      await rejectsWithCode(auth.verify(handSign({ user_id: '1', nbf: nowSeconds() + 31, exp: nowSeconds() + 120 })), 'token_not_yet_valid');
    });
  });

  describe('iat', () => {
    it('refuses a token issued in the future', async () => {
      await rejectsWithCode(build().verify(handSign({ user_id: '1', iat: nowSeconds() + 60, exp: nowSeconds() + 120 })), 'token_invalid');
    });

    it('tolerates clock skew within token.leeway', async () => {
      const auth = build({ token: { leeway: 5 } });
      expect((await auth.verify(handSign({ user_id: '1', iat: nowSeconds() + 5, exp: nowSeconds() + 120 }))).user_id).to.equal('1');
    });

    it('refuses an iat that is not a number', async () => {
      await rejectsWithCode(build().verify(handSign({ user_id: '1', iat: 'yesterday', exp: nowSeconds() + 120 })), 'token_invalid');
    });
  });

  it('writes iat as now and exp as now + token.expiresIn', async () => {
    const { payload } = await build({ token: { expiresIn: '10m' } }).issue(alice);
    expect(payload.iat).to.equal(1_800_000_000);
    expect(payload.exp).to.equal(1_800_000_600);
  });
});
