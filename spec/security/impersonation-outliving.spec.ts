import { expect } from 'chai';
import sinon from 'sinon';
import { buildApp } from '../helpers/app.js';
import { decode } from '../helpers/tokens.js';

// An impersonation token is refreshed like any other, but never past the lifetime of the first
// one (orig_exp): otherwise a superuser's few minutes as alice become a week of refreshes.
// Mutation run (docs/mutation.md): Math.min → Math.max survived, because every refresh spec ran within
// one second of the impersonation. Here the clock moves between the two.
describe('attack: refreshing an impersonation token to outlive its first lifetime', function () {
  let clock: sinon.SinonFakeTimers;
  beforeEach(function () { clock = sinon.useFakeTimers({ now: 1_900_000_000_000, toFake: ['Date'] }); });
  afterEach(function () { clock.restore(); });

  it('a refresh 200 s later still ends at the first token\'s exp, and so does the next one', async function () {
    const { request, auth } = buildApp({ token: { expiresIn: 300 }, refresh: { expiresIn: '7d' } });
    const { token: admin } = await auth.issue({ id: '3', username: 'root', isSuperuser: true });
    const res = await request.post('/auth/token/impersonate').set('Authorization', `Bearer ${admin}`).send({ user: '1' });
    expect(res.status).to.equal(201);
    const first = decode(res.body.token).payload;
    clock.tick(200_000);
    const second = await request.post('/auth/token/refresh').send({ token: res.body.token });
    expect(second.status).to.equal(201);
    expect(decode(second.body.token).payload.exp).to.equal(first.exp);
    clock.tick(50_000);
    const third = await request.post('/auth/token/refresh').send({ token: second.body.token });
    expect(decode(third.body.token).payload.exp).to.equal(first.exp);
  });

  it('an ordinary token refreshed 200 s later lives a full lifetime from then (the control)', async function () {
    const { request, auth } = buildApp({ token: { expiresIn: 300 } });
    const { token, payload } = await auth.issue({ id: '1', username: 'alice' });
    clock.tick(200_000);
    const res = await request.post('/auth/token/refresh').send({ token });
    expect(decode(res.body.token).payload.exp).to.equal(payload.exp + 200);
  });
});
