import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { decode, nowSeconds } from '../helpers/tokens.js';

const login = { username: 'alice', password: 'alice-password' };

describe('obtain (POST /token)', () => {
  const { request, auth } = buildApp();

  it('answers 201 { token } for a JSON body', async () => {
    const res = await request.post('/auth/token').send(login).expect(201).expect('Content-Type', /json/);
    expect(res.body).to.have.keys('token');
    expect(res.headers['cache-control']).to.equal('no-store');
    expect((await auth.verify(res.body.token)).username).to.equal('alice');
  });

  it('answers 201 { token } for a form body', async () => {
    const res = await request.post('/auth/token').type('form').send(login).expect(201);
    expect(decode(res.body.token).payload).to.include({ user_id: '1', username: 'alice' });
  });

  it('issues a token that authenticates the next request', async () => {
    const { body } = await request.post('/auth/token').send(login).expect(201);
    const me = await request.get('/me').set('Authorization', `Bearer ${body.token}`).expect(200);
    expect(me.body.user.username).to.equal('alice');
  });

  describe('400 invalid_request', () => {
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['no username', { password: 'x' }, ['username']],
      ['no password', { username: 'alice' }, ['password']],
      ['an empty body', {}, ['username', 'password']],
      ['an empty username', { username: '', password: 'x' }, ['username']],
      ['a non-string password', { username: 'alice', password: { $ne: null } }, ['password']],
      ['a numeric username', { username: 5, password: 'x' }, ['username']],
    ];
    for (const [what, body, fields] of cases) {
      it(`names every wrong field for ${what}`, async () => {
        const res = await request.post('/auth/token').send(body).expect(400);
        expect(res.body.error).to.equal('invalid_request');
        expect(res.body.fields).to.have.all.keys(...fields);
      });
    }

    it('answers 400 with both fields for no body at all', async () => {
      const res = await request.post('/auth/token').expect(400);
      expect(res.body.fields).to.have.all.keys('username', 'password');
    });

    it('answers 400 for malformed JSON', async () => {
      const res = await request.post('/auth/token').set('Content-Type', 'application/json').send('{"username": ').expect(400);
      expect(res.body.error).to.equal('invalid_request');
    });

    it('answers 400 for a JSON array', async () => {
      const res = await request.post('/auth/token').set('Content-Type', 'application/json').send('[1,2]').expect(400);
      expect(res.body.error).to.equal('invalid_request');
    });

    it('answers 413 for a huge body, not 500', async () => {
      const res = await request.post('/auth/token').send({ username: 'a'.repeat(50_000), password: 'x' });
      expect(res.status).to.equal(413);
    });
  });

  describe('401 invalid_credentials', () => {
    const attempts = {
      'a wrong password': { username: 'alice', password: 'wrong' },
      'an unknown user': { username: 'nobody', password: 'alice-password' },
      'an inactive user': { username: 'bob', password: 'bob-password' },
    };

    it('answers one identical body for a wrong password, an unknown user and an inactive user', async () => {
      const answers = [];
      for (const [what, body] of Object.entries(attempts)) {
        const res = await request.post('/auth/token').send(body);
        expect(res.status, what).to.equal(401);
        answers.push({ body: res.body, challenge: res.headers['www-authenticate'] });
      }
      expect(answers[0]!.body.error).to.equal('invalid_credentials');
      expect(answers[1]).to.deep.equal(answers[0]);
      expect(answers[2]).to.deep.equal(answers[0]);
      expect(answers[0]!.challenge).to.equal('Bearer realm="api"');
    });
  });

  describe('cookie', () => {
    const withCookie = buildApp({ cookie: { name: 'jwt', secure: false } });

    it('sets an HttpOnly cookie that ends with the token', async () => {
      const res = await withCookie.request.post('/auth/token').send(login).expect(201);
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('jwt='));
      expect(cookie, 'Set-Cookie jwt').to.be.a('string');
      expect(cookie).to.match(/; httponly/i);
      expect(cookie).to.match(/; samesite=lax/i);
      expect(cookie).to.contain(`jwt=${res.body.token}`);
      const expires = Date.parse(/expires=([^;]+)/i.exec(cookie!)![1]!);
      expect(Math.round(expires / 1000)).to.equal(decode(res.body.token).payload.exp);
    });

    it('is read by the middleware on the next request', async () => {
      const agent = (await import('supertest')).default.agent(withCookie.app.callback());
      await agent.post('/auth/token').send(login).expect(201);
      const res = await agent.get('/me').expect(200);
      expect(res.body.user.username).to.equal('alice');
      expect(res.body.jwt.source).to.equal('cookie');
    });

    it('is not set without the cookie option', async () => {
      const res = await request.post('/auth/token').send(login).expect(201);
      expect(res.headers['set-cookie']).to.equal(undefined);
    });
  });

  it('auth.issue(user) mints the same kind of token in code', async () => {
    const { token, payload } = await auth.issue({ id: '1', username: 'alice' });
    expect(payload.exp).to.be.within(nowSeconds() + 299, nowSeconds() + 300);
    const { body } = await request.post('/auth/token').send(login).expect(201);
    expect(Object.keys(decode(token).payload).sort()).to.deep.equal(Object.keys(decode(body.token).payload).sort());
  });
});
