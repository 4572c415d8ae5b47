import { expect } from 'chai';
import { buildApp, type TestApp } from '../helpers/app.js';

// docs/pair-mode.md "Which token goes where": two services sharing one secret, one in
// single-token mode, one in pair mode. Each cell of that table is one case here.

describe('token_type across single-token and pair mode (docs/pair-mode.md)', function () {
  let single: TestApp;
  let pair: TestApp;
  let singleToken: string;
  let access: string;
  let refresh: string;

  before(async function () {
    single = buildApp();
    pair = buildApp({ refresh: { pair: true } });
    singleToken = (await single.auth.issue({ id: '1', username: 'alice' })).token;
    const issued = await pair.auth.issue({ id: '1', username: 'alice' });
    access = issued.token;
    refresh = issued.refresh!;
  });
  after(async () => {
    await single.auth.close();
    await pair.auth.close();
  });

  const me = (app: TestApp, token: string) => app.request.get('/me').set('Authorization', `Bearer ${token}`);
  const refreshSingle = (token: string) => single.request.post('/auth/token/refresh').send({ token });
  const refreshPair = (token: string) => pair.request.post('/auth/token/refresh').send({ refresh: token });
  const refused = (res: { status: number; body: { error?: string } }) => {
    expect(res.status).to.equal(401);
    expect(res.body.error).to.equal('token_invalid');
  };

  describe('a pair-mode refresh token (token_type: "refresh")', function () {
    it('is refused by the middleware of either service', async function () {
      refused(await me(pair, refresh));
      refused(await me(single, refresh));
    });

    it('is refused by the verify route', async function () {
      refused(await pair.request.post('/auth/token/verify').send({ token: refresh }));
    });

    it("is refused by the single-token service's refresh route", async function () {
      refused(await refreshSingle(refresh));
    });
  });

  describe('a pair-mode access token (token_type: "access")', function () {
    it('is accepted by the middleware of either service', async function () {
      expect((await me(pair, access)).status).to.equal(200);
      expect((await me(single, access)).status).to.equal(200);
    });

    it("is refused by pair mode's refresh route", async function () {
      refused(await refreshPair(access));
    });

    it("is refreshed by the single-token service's refresh route", async function () {
      expect((await refreshSingle(access)).status).to.equal(201);
    });
  });

  describe('a single-token-mode token (no token_type)', function () {
    it("is accepted by the pair-mode service's middleware", async function () {
      expect((await me(pair, singleToken)).status).to.equal(200);
    });

    it("is refused by pair mode's refresh route", async function () {
      refused(await refreshPair(singleToken));
    });
  });

  it("pair mode's refresh route takes its refresh token (the control)", async function () {
    expect((await refreshPair(refresh)).status).to.equal(201);
  });
});
