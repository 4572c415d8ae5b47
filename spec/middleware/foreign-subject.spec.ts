import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { keyPair } from '../helpers/keys.js';
import { handSign, nowSeconds } from '../helpers/tokens.js';

// A verify-only service meets tokens of other issuers, which name their user in `sub` (RFC 7519)
// rather than drf-jwt's user_id: the user is then the sub, and only a string sub names one.
describe('the user of a token without user_id (verify-only, userLookup token)', () => {
  const es = keyPair('P-256');
  const auth = koaJwt({ keys: { algorithm: 'ES256', publicKey: es.publicPem } });
  const sign = (claims: Record<string, unknown>) => handSign(claims, { key: es.privateKey, alg: 'ES256' });
  let at: number;
  beforeEach(() => { at = nowSeconds(); });

  it('is the sub claim', async () => {
    const { user } = await auth.authenticate(sign({ sub: '42', username: 'ada', iat: at, exp: at + 60 }));
    expect(user).to.include({ id: '42', username: 'ada' });
  });

  it('is not a sub that is not a string: the username names the user then', async () => {
    const { user } = await auth.authenticate(sign({ sub: 42, username: 'ada', iat: at, exp: at + 60 }));
    expect(user.id).to.equal('ada');
  });

  it('user_id wins over sub', async () => {
    const { user } = await auth.authenticate(sign({ user_id: '7', sub: '42', username: 'ada', iat: at, exp: at + 60 }));
    expect(user.id).to.equal('7');
  });
});
