import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { handSign, nowSeconds } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };

describe('verify (POST /token/verify)', () => {
  const { request, auth } = buildApp();

  it('answers 200 { token, payload } for a good token', async () => {
    const { token, payload } = await auth.issue(alice);
    const res = await request.post('/auth/token/verify').send({ token }).expect(200);
    expect(res.body).to.deep.equal({ token, payload });
  });

  it('accepts a form body', async () => {
    const { token } = await auth.issue(alice);
    await request.post('/auth/token/verify').type('form').send({ token }).expect(200);
  });

  const failures: Array<[string, () => string, string]> = [
    ['an expired token', () => handSign({ user_id: '1', exp: nowSeconds() - 1 }), 'token_expired'],
    ['a forged token', () => handSign({ user_id: '1', exp: nowSeconds() + 60 }, { key: 'z'.repeat(32) }), 'token_invalid'],
    ['garbage', () => 'not-a-token', 'token_invalid'],
    ['a token of an unknown user', () => handSign({ user_id: '404', exp: nowSeconds() + 60 }), 'user_not_found'],
    ['a token of an inactive user', () => handSign({ user_id: '2', exp: nowSeconds() + 60 }), 'account_disabled'],
  ];
  for (const [what, make, code] of failures) {
    it(`answers 401 ${code} for ${what}, as the middleware does`, async () => {
      const token = make();
      const res = await request.post('/auth/token/verify').send({ token }).expect(401);
      expect(res.body.error).to.equal(code);
      expect(res.headers['www-authenticate']).to.contain('error="invalid_token"');
      const me = await request.get('/me').set('Authorization', `Bearer ${token}`).expect(401);
      expect(me.body.error).to.equal(code);
    });
  }

  it('answers 400 invalid_request without a token', async () => {
    const res = await request.post('/auth/token/verify').send({}).expect(400);
    expect(res.body.fields).to.have.all.keys('token');
  });

  describe('auth.verify(token) in code', () => {
    it('resolves the payload', async () => {
      const { token, payload } = await auth.issue(alice);
      expect(await auth.verify(token)).to.deep.equal(payload);
    });

    it('rejects with the typed error', async () => {
      await rejectsWithCode(auth.verify(handSign({ user_id: '1', exp: nowSeconds() - 1 })), 'token_expired');
      await rejectsWithCode(auth.verify('x.y.z'), 'token_invalid');
      await rejectsWithCode(auth.verify(undefined as never), 'token_invalid');
    });
  });
});
