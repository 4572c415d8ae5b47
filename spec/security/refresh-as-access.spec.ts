import { expect } from 'chai';
import { buildApp, type TestApp } from '../helpers/app.js';
import { expectRefused, getMe } from './attack-kit.js';

// In pair mode the refresh token lives for days and should never open the API: a leak of it
// must not become API access (simplejwt's token_type rule).
describe('attack: a refresh token used as an access token', function () {
  const app: TestApp = buildApp({ refresh: { pair: true } });
  let pair: { token: string; refresh?: string } | undefined;

  before(async function () {
    pair = await app.auth.issue({ id: '1', username: 'alice' });
    expect(pair.refresh, 'pair mode issues a refresh token').to.be.a('string');
  });

  it('refuses the refresh token on a protected route as 401 token_invalid', async function () {
    expectRefused(await getMe(app!, pair!.refresh!));
  });

  it('refuses the refresh token at the verify route as 401 token_invalid', async function () {
    const res = await app.request.post('/auth/token/verify').send({ token: pair!.refresh });
    expectRefused(res);
  });

  it('accepts the access token of the same pair (the control)', async function () {
    expect((await getMe(app!, pair!.token)).status).to.equal(200);
  });
});
