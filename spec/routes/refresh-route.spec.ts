import { expect } from 'chai';
import sinon from 'sinon';
import { buildApp } from '../helpers/app.js';
import { decode, handSign, nowSeconds } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };

describe('refresh (POST /token/refresh)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => { clock = sinon.useFakeTimers({ now: 1_800_000_000_000, toFake: ['Date'] }); });
  afterEach(() => clock.restore());

  const app = () => buildApp({ token: { expiresIn: '5m' }, refresh: { expiresIn: '1h' } });

  it('answers 201 { token } with a new jti and exp, the same orig_iat, and orig_jti = family id', async () => {
    const { request, auth } = app();
    const first = await auth.issue(alice);
    clock.tick(60_000);
    const res = await request.post('/auth/token/refresh').send({ token: first.token }).expect(201);
    expect(res.body).to.have.keys('token');
    const next = decode(res.body.token).payload;
    expect(next.jti).to.be.a('string').and.not.equal(first.payload.jti);
    expect(next.exp).to.equal((first.payload.exp as number) + 60);
    expect(next.iat).to.equal((first.payload.iat as number) + 60);
    expect(next.orig_iat).to.equal(first.payload.orig_iat);
    expect(next.orig_jti).to.equal(first.payload.jti);
    expect((await auth.verify(res.body.token)).username).to.equal('alice');
  });

  it('keeps the family id across a chain of refreshes', async () => {
    const { request, auth } = app();
    const first = await auth.issue(alice);
    let token = first.token;
    for (let i = 0; i < 3; i += 1) {
      clock.tick(60_000);
      token = (await request.post('/auth/token/refresh').send({ token }).expect(201)).body.token;
    }
    expect(decode(token).payload).to.include({ orig_jti: first.payload.jti, orig_iat: first.payload.orig_iat });
  });

  it('refuses with refresh_expired once refresh.expiresIn has passed since orig_iat', async () => {
    const { request, auth } = app();
    let { token } = await auth.issue(alice);
    // Keep the token fresh by refreshing every 4 minutes, until the family's hour is over.
    for (let minute = 4; minute < 60; minute += 4) {
      clock.tick(4 * 60_000);
      token = (await request.post('/auth/token/refresh').send({ token }).expect(201)).body.token;
    }
    clock.tick(4 * 60_000); // minute 60
    const res = await request.post('/auth/token/refresh').send({ token }).expect(401);
    expect(res.body.error).to.equal('refresh_expired');
  });

  it('refuses an expired token with token_expired', async () => {
    const { request, auth } = app();
    const { token } = await auth.issue(alice);
    clock.tick(5 * 60_000);
    const res = await request.post('/auth/token/refresh').send({ token }).expect(401);
    expect(res.body.error).to.equal('token_expired');
  });

  it('refuses a token without orig_iat with 400 refresh_not_allowed', async () => {
    const { request } = app();
    const token = handSign({ user_id: '1', username: 'alice', iat: nowSeconds(), exp: nowSeconds() + 60 });
    const res = await request.post('/auth/token/refresh').send({ token }).expect(400);
    expect(res.body.error).to.equal('refresh_not_allowed');
  });

  it('refuses every token when refresh.allow is false', async () => {
    const { request, auth } = buildApp({ refresh: { allow: false } });
    const { token } = await auth.issue(alice);
    const res = await request.post('/auth/token/refresh').send({ token }).expect(400);
    expect(res.body.error).to.equal('refresh_not_allowed');
  });

  it('refuses a forged token with token_invalid', async () => {
    const { request } = app();
    const token = handSign({ user_id: '1', iat: nowSeconds(), exp: nowSeconds() + 60, orig_iat: nowSeconds() }, { key: 'y'.repeat(32) });
    const res = await request.post('/auth/token/refresh').send({ token }).expect(401);
    expect(res.body.error).to.equal('token_invalid');
  });

  it('refuses a token of a user that was disabled since', async () => {
    const { request } = app();
    const token = handSign({ user_id: '2', username: 'bob', iat: nowSeconds(), exp: nowSeconds() + 60, orig_iat: nowSeconds() });
    const res = await request.post('/auth/token/refresh').send({ token }).expect(401);
    expect(res.body.error).to.equal('account_disabled');
  });

  it('answers 400 invalid_request naming token when it is missing', async () => {
    const { request } = app();
    const res = await request.post('/auth/token/refresh').send({}).expect(400);
    expect(res.body.fields).to.have.all.keys('token');
  });

  it('sets the cookie again when cookies are configured', async () => {
    const { request, auth } = buildApp({ cookie: { name: 'jwt', secure: false } });
    const { token } = await auth.issue(alice);
    const res = await request.post('/auth/token/refresh').send({ token }).expect(201);
    expect(String(res.headers['set-cookie'])).to.contain(`jwt=${res.body.token}`);
  });
});
