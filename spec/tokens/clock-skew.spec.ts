import { expect } from 'chai';
import sinon from 'sinon';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testConfig } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { handSign, nowSeconds } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };
const build = (overrides: KoaJwtConfig = {}) => koaJwt(testConfig(overrides));
// The last millisecond before a second boundary: an instance 5 ms behind is still in the previous second.
const T = 1_800_000_000_000 + 999;

describe('clock skew between instances (token.clockSkew)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => { clock = sinon.useFakeTimers({ now: T + 1, toFake: ['Date', 'performance'] }); });
  afterEach(() => clock.restore());

  /** A token issued now by `issuer`, then the clock set `behindMs` back: another instance's view. */
  async function issuedAhead(issuer: ReturnType<typeof build>, behindMs: number): Promise<string> {
    const { token } = await issuer.issue(alice);
    clock.setSystemTime(Date.now() - behindMs);
    return token;
  }

  it('accepts a fresh token from an instance whose clock is 5 ms ahead (default skew)', async () => {
    const token = await issuedAhead(build(), 5);
    expect((await build({ token: { cache: false } }).verify(token)).username).to.equal('alice');
  });

  it('without the allowance (clockSkew 0) that same token is "issued in the future": the control', async () => {
    const token = await issuedAhead(build(), 5);
    await rejectsWithCode(build({ token: { clockSkew: 0, cache: false } }).verify(token), 'token_invalid');
  });

  it('allows 5 s by default, for iat and nbf alike, and refuses beyond', async () => {
    const auth = build({ token: { cache: false } });
    expect((await auth.verify(handSign({ user_id: '1', iat: nowSeconds() + 5, exp: nowSeconds() + 60 }))).user_id).to.equal('1');
    expect((await auth.verify(handSign({ user_id: '1', nbf: nowSeconds() + 5, exp: nowSeconds() + 60 }))).user_id).to.equal('1');
    await rejectsWithCode(auth.verify(handSign({ user_id: '1', iat: nowSeconds() + 6, exp: nowSeconds() + 60 })), 'token_invalid');
    await rejectsWithCode(auth.verify(handSign({ user_id: '1', nbf: nowSeconds() + 6, exp: nowSeconds() + 60 })), 'token_not_yet_valid');
  });

  it('is configurable, and never extends exp', async () => {
    const auth = build({ token: { clockSkew: '90s', expiresIn: 120, cache: false } });
    expect((await auth.verify(handSign({ user_id: '1', iat: nowSeconds() + 60, exp: nowSeconds() + 60 }))).user_id).to.equal('1');
    const { token } = await auth.issue(alice);
    clock.tick(120_000);
    await rejectsWithCode(auth.verify(token), 'token_expired');
  });

  it('takes the larger of token.leeway and token.clockSkew for iat and nbf', async () => {
    const auth = build({ token: { leeway: 30, clockSkew: 5, cache: false } });
    expect((await auth.verify(handSign({ user_id: '1', iat: nowSeconds() + 30, exp: nowSeconds() + 60 }))).user_id).to.equal('1');
    await rejectsWithCode(auth.verify(handSign({ user_id: '1', iat: nowSeconds() + 31, exp: nowSeconds() + 60 })), 'token_invalid');
  });

  it('refuses a clockSkew that is not a duration, naming token.clockSkew', () => {
    expect(configErrorOf(testConfig({ token: { clockSkew: -1 } })).path).to.equal('token.clockSkew');
  });
});

describe('a step back of the wall clock and the token cache', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => { clock = sinon.useFakeTimers({ now: T + 1, toFake: ['Date', 'performance'] }); });
  afterEach(() => clock.restore());

  it('a token this instance has verified stays accepted from the cache after the clock steps back 60 s', async () => {
    const auth = build();
    const { token } = await auth.issue(alice);
    await auth.verify(token);
    clock.setSystemTime(Date.now() - 60_000);
    expect((await auth.verify(token)).username).to.equal('alice');
  });

  it('also one with nbf: iat and nbf are not checked again on a hit (time only moves towards them)', async () => {
    const auth = build();
    const token = handSign({ user_id: '1', username: 'alice', iat: nowSeconds(), nbf: nowSeconds(), exp: nowSeconds() + 120 });
    await auth.verify(token);
    clock.setSystemTime(Date.now() - 60_000);
    expect((await auth.verify(token)).user_id).to.equal('1');
  });

  it('a token not in the cache, issued in the minute stepped over, is refused: the rule has a limit (clockSkew)', async () => {
    const auth = build();
    const { token } = await auth.issue(alice);
    clock.setSystemTime(Date.now() - 60_000);
    await rejectsWithCode(auth.verify(token), 'token_invalid');
  });

  it('exp is still checked on a hit', async () => {
    const auth = build({ token: { expiresIn: 60 } });
    const { token } = await auth.issue(alice);
    await auth.verify(token);
    clock.tick(60_000);
    await rejectsWithCode(auth.verify(token), 'token_expired');
  });
});
