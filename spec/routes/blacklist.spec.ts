import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { decode } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };
const bearer = (token: string) => `Bearer ${token}`;

describe('POST /token/blacklist', () => {
  it('revokes the caller\'s own token (logout): 201 { token_id }, then the middleware answers 401 token_revoked', async () => {
    const { request, auth } = buildApp();
    const { token } = await auth.issue(alice);
    await request.get('/me').set('Authorization', bearer(token)).expect(200);
    const res = await request.post('/auth/token/blacklist').set('Authorization', bearer(token)).expect(201);
    expect(res.body).to.deep.equal({ token_id: decode(token).payload.jti });
    const after = await request.get('/me').set('Authorization', bearer(token)).expect(401);
    expect(after.body.error).to.equal('token_revoked');
    expect(after.headers['www-authenticate']).to.include('error="invalid_token"');
  });

  it('revokes a token given in the body, and verify and refresh then answer 401 token_revoked', async () => {
    const { request, auth } = buildApp();
    const { token } = await auth.issue(alice);
    await request.post('/auth/token/blacklist').send({ token }).expect(201);
    expect((await request.post('/auth/token/verify').send({ token }).expect(401)).body.error).to.equal('token_revoked');
    expect((await request.post('/auth/token/refresh').send({ token }).expect(401)).body.error).to.equal('token_revoked');
  });

  it('is idempotent: revoking the same token again is 201 with the same token_id', async () => {
    const { request, auth } = buildApp();
    const { token } = await auth.issue(alice);
    const first = await request.post('/auth/token/blacklist').set('Authorization', bearer(token)).expect(201);
    const second = await request.post('/auth/token/blacklist').set('Authorization', bearer(token)).expect(201);
    expect(second.body).to.deep.equal(first.body);
  });

  it('revokes the whole refresh family: a token refreshed before the logout stops working too', async () => {
    const { request, auth } = buildApp();
    const { token: first } = await auth.issue(alice);
    const { body: { token: second } } = await request.post('/auth/token/refresh').send({ token: first }).expect(201);
    expect(decode(second).payload.orig_jti).to.equal(decode(first).payload.jti);
    const res = await request.post('/auth/token/blacklist').send({ token: second }).expect(201);
    expect(res.body.token_id).to.equal(decode(first).payload.jti);
    expect((await request.get('/me').set('Authorization', bearer(first)).expect(401)).body.error).to.equal('token_revoked');
    expect((await request.get('/me').set('Authorization', bearer(second)).expect(401)).body.error).to.equal('token_revoked');
  });

  it('leaves other tokens of the same user alone', async () => {
    const { request, auth } = buildApp();
    const { token: phone } = await auth.issue(alice);
    const { token: laptop } = await auth.issue(alice);
    await request.post('/auth/token/blacklist').send({ token: phone }).expect(201);
    await request.get('/me').set('Authorization', bearer(laptop)).expect(200);
  });

  it('answers 401 credentials_required to an anonymous caller with no token in the body', async () => {
    const { request } = buildApp();
    const res = await request.post('/auth/token/blacklist').expect(401);
    expect(res.body.error).to.equal('credentials_required');
  });

  it('answers 401 token_invalid for a bad token, and revokes nothing', async () => {
    const { request, auth } = buildApp();
    const { token } = await auth.issue(alice);
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await request.post('/auth/token/blacklist').send({ token: tampered }).expect(401)).body.error).to.equal('token_invalid');
    await request.get('/me').set('Authorization', bearer(token)).expect(200);
  });

  it('takes { refresh }, the field simplejwt\'s logout sends: the refresh token and its whole family are revoked', async () => {
    const { request } = buildApp({ refresh: { pair: true } });
    const { body } = await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }).expect(201);
    const res = await request.post('/auth/token/blacklist').send({ refresh: body.refresh }).expect(201);
    expect(res.body.token_id).to.equal(decode(body.refresh).payload.jti);
    expect((await request.post('/auth/token/refresh').send({ refresh: body.refresh }).expect(401)).body.error).to.equal('token_revoked');
    expect((await request.get('/me').set('Authorization', bearer(body.token)).expect(401)).body.error).to.equal('token_revoked');
  });

  it('answers 400 for a refresh field that is not a string', async () => {
    const { request } = buildApp();
    expect((await request.post('/auth/token/blacklist').send({ refresh: 5 }).expect(400)).body.error).to.equal('invalid_request');
  });

  it('answers 400 for a token field that is not a string', async () => {
    const { request } = buildApp();
    const res = await request.post('/auth/token/blacklist').send({ token: { $ne: null } }).expect(400);
    expect(res.body.error).to.equal('invalid_request');
  });

  it('clears the auth cookie when the revoked token came from it', async () => {
    const { request, auth } = buildApp({ cookie: 'jwt' });
    const { token } = await auth.issue(alice);
    const res = await request.post('/auth/token/blacklist').set('Cookie', `jwt=${token}`).expect(201);
    expect(String(res.headers['set-cookie'])).to.match(/^jwt=;/);
    await request.get('/me').set('Cookie', `jwt=${token}`).expect(401);
  });
});

describe('auth.blacklist()', () => {
  it('revokes a token string and resolves its family id', async () => {
    const { request, auth } = buildApp();
    const { token } = await auth.issue(alice);
    expect(await auth.blacklist(token)).to.equal(decode(token).payload.jti);
    expect((await request.get('/me').set('Authorization', bearer(token)).expect(401)).body.error).to.equal('token_revoked');
  });

  it('revokes by payload (a token the application already decoded)', async () => {
    const { auth } = buildApp();
    const { token, payload } = await auth.issue(alice);
    await auth.blacklist(payload as never);
    try {
      await auth.verify(token);
      expect.fail('a revoked token verified');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('token_revoked');
    }
  });
});
