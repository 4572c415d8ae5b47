import { expect } from 'chai';
import sinon from 'sinon';
import { KoaJwtError } from '../../lib/errors.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testConfig } from '../helpers/app.js';
import { decode, handSign } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { id: '1', username: 'alice' };
const T0 = 1_900_000_000;

describe('pair mode expiry (refresh.pair.sliding)', () => {
  let clock: sinon.SinonFakeTimers;
  // Only Date is faked: store timeouts keep real timers.
  beforeEach(() => { clock = sinon.useFakeTimers({ now: T0 * 1000, toFake: ['Date'] }); });
  afterEach(() => clock.restore());
  const at = (seconds: number) => clock.setSystemTime((T0 + seconds) * 1000);
  const expOf = (token: string) => (decode(token).payload.exp as number) - T0;

  async function refused(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (err) {
      return (err as KoaJwtError).code;
    }
    throw new Error('expected a rejection');
  }

  describe('with sliding', () => {
    const auth = () => koaJwt(testConfig({ token: { expiresIn: 60 }, refresh: { expiresIn: 1000, pair: { expiresIn: 300, sliding: true } } }));

    it('gives each rotated refresh token a full lifetime from now', async () => {
      const a = auth();
      const { refresh } = await a.issue(alice);
      expect(expOf(refresh!)).to.equal(300);
      at(200);
      const next = await internalsOf(a).authority.refresh(refresh!);
      expect(expOf(next.refresh!)).to.equal(500);
      at(450);
      expect(expOf((await internalsOf(a).authority.refresh(next.refresh!)).refresh!)).to.equal(750);
    });

    it('never extends a family beyond refresh.expiresIn from the first login (orig_iat)', async () => {
      const a = auth();
      let { refresh } = await a.issue(alice);
      for (const t of [250, 500, 750, 950]) {
        at(t);
        refresh = (await internalsOf(a).authority.refresh(refresh!)).refresh;
      }
      expect(expOf(refresh!)).to.equal(1000);
      expect(decode(refresh!).payload.orig_iat).to.equal(T0);
      at(1000);
      expect(await refused(internalsOf(a).authority.refresh(refresh!))).to.be.oneOf(['token_expired', 'refresh_expired']);
    });
  });

  describe('without sliding', () => {
    const auth = () => koaJwt(testConfig({ token: { expiresIn: 60 }, refresh: { expiresIn: 1000, pair: { expiresIn: 300 } } }));

    it('keeps the original expiry on every rotated refresh token', async () => {
      const a = auth();
      const { refresh } = await a.issue(alice);
      at(100);
      const second = await internalsOf(a).authority.refresh(refresh!);
      at(250);
      const third = await internalsOf(a).authority.refresh(second.refresh!);
      expect(expOf(second.refresh!)).to.equal(300);
      expect(expOf(third.refresh!)).to.equal(300);
      at(300);
      expect(await refused(internalsOf(a).authority.refresh(third.refresh!))).to.equal('token_expired');
    });

    it('gives each access token its own full lifetime', async () => {
      const a = auth();
      const { refresh } = await a.issue(alice);
      at(100);
      expect(expOf((await internalsOf(a).authority.refresh(refresh!)).token)).to.equal(160);
    });
  });

  it('caps a sliding refresh token at the end of its family', async () => {
    const a = koaJwt(testConfig({ token: { expiresIn: 60 }, refresh: { expiresIn: 100, pair: { expiresIn: 100, sliding: true } } }));
    const { refresh } = await a.issue(alice);
    at(99);
    const next = await internalsOf(a).authority.refresh(refresh!);
    expect(expOf(next.refresh!)).to.equal(100);
  });

  it('refuses (refresh_expired) a live refresh token whose family is older than refresh.expiresIn', async () => {
    const a = koaJwt(testConfig({ token: { expiresIn: 60 }, refresh: { expiresIn: 1000, pair: { expiresIn: 300 } } }));
    // Not one koa-jwt-kit would mint (it caps exp at the family's end): signed by hand with the test secret.
    const token = handSign({ user_id: '1', username: 'alice', token_type: 'refresh', jti: 'old-one', orig_iat: T0 - 1000, iat: T0 - 10, exp: T0 + 100 });
    expect(await refused(internalsOf(a).authority.refresh(token))).to.equal('refresh_expired');
  });
});
