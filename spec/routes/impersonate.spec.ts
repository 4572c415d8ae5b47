import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { buildApp, testConfig } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';
import { decode } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { id: '1', username: 'alice' };
const root = { id: '3', username: 'root', isSuperuser: true };
const bearer = (token: string) => `Bearer ${token}`;

describe('POST /token/impersonate', () => {
  it('gives a superuser a token for the user, carrying act: { sub: <superuser id> }', async () => {
    const { request, auth } = buildApp();
    const { token: admin } = await auth.issue(root);
    const res = await request.post('/auth/token/impersonate').set('Authorization', bearer(admin)).send({ user: '1' }).expect(201);
    const { payload } = decode(res.body.token);
    expect(payload).to.include({ user_id: '1', username: 'alice' });
    expect(payload.act).to.deep.equal({ sub: '3' });
    expect(payload.orig_exp).to.equal(payload.exp);
    const me = await request.get('/me').set('Authorization', bearer(res.body.token)).expect(200);
    expect(me.body.user.username).to.equal('alice');
    expect(me.body.jwt.payload.act).to.deep.equal({ sub: '3' });
  });

  it('accepts a numeric user id', async () => {
    const { request, auth } = buildApp();
    const { token: admin } = await auth.issue(root);
    await request.post('/auth/token/impersonate').set('Authorization', bearer(admin)).send({ user: 1 }).expect(201);
  });

  it('answers 401 credentials_required to an anonymous caller', async () => {
    const { request } = buildApp();
    expect((await request.post('/auth/token/impersonate').send({ user: '1' }).expect(401)).body.error).to.equal('credentials_required');
  });

  it('answers 403 forbidden to a caller who is not a superuser', async () => {
    const { request, auth } = buildApp();
    const { token } = await auth.issue(alice);
    expect((await request.post('/auth/token/impersonate').set('Authorization', bearer(token)).send({ user: '3' }).expect(403)).body).to.include({ error: 'forbidden', error_description: 'Only a superuser may impersonate another user.' });
  });

  it('answers 400 user_not_found for an unknown target', async () => {
    const { request, auth } = buildApp();
    const { token } = await auth.issue(root);
    expect((await request.post('/auth/token/impersonate').set('Authorization', bearer(token)).send({ user: '999' }).expect(400)).body).to.include({ error: 'user_not_found', error_description: 'No user has this id.' });
  });

  it('answers 400 account_disabled for an inactive target', async () => {
    const { request, auth } = buildApp();
    const { token } = await auth.issue(root);
    expect((await request.post('/auth/token/impersonate').set('Authorization', bearer(token)).send({ user: '2' }).expect(400)).body).to.include({ error: 'account_disabled', error_description: 'This user account is disabled.' });
  });

  it('answers 400 invalid_request naming the field when user is missing or not an id', async () => {
    const { request, auth } = buildApp();
    const { token } = await auth.issue(root);
    const missing = await request.post('/auth/token/impersonate').set('Authorization', bearer(token)).send({}).expect(400);
    expect(missing.body).to.include({ error: 'invalid_request' });
    expect(missing.body.fields).to.have.property('user');
    await request.post('/auth/token/impersonate').set('Authorization', bearer(token)).send({ user: { $ne: null } }).expect(400);
  });

  it('answers 403 when the target is a superuser', async () => {
    const { request, auth } = buildApp({}, {
      config: { keys: { secret: 'oCmSxwOOJ2kEqXlWBVTsGmMMfh006_UNE4SJhehXaZE' }, users: (await import('../../lib/users/memory-users.js')).memoryUsers([
        { id: '3', username: 'root', password: 'x', isSuperuser: true },
        { id: '4', username: 'root2', password: 'x', isSuperuser: true },
      ]) },
    });
    const { token } = await auth.issue(root);
    expect((await request.post('/auth/token/impersonate').set('Authorization', bearer(token)).send({ user: '4' }).expect(403)).body).to.include({ error: 'forbidden', error_description: 'A superuser cannot be impersonated.' });
  });

  it('answers 403 to a caller who is already impersonating', async () => {
    const { request, auth } = buildApp();
    const { token: admin } = await auth.issue(root);
    const { body: { token: asAlice } } = await request.post('/auth/token/impersonate').set('Authorization', bearer(admin)).send({ user: '1' }).expect(201);
    // Even a superuser's impersonation token (act present) cannot start another one.
    const forged = await internalsOf(auth).authority.issuer.issue(root as never, { actor: '3' });
    await request.post('/auth/token/impersonate').set('Authorization', bearer(asAlice)).send({ user: '1' }).expect(403);
    expect((await request.post('/auth/token/impersonate').set('Authorization', bearer(forged.token)).send({ user: '1' }).expect(403)).body).to.include({ error: 'forbidden', error_description: 'An impersonation token cannot impersonate again.' });
  });

  it('sets the impersonation cookie when configured, and that cookie wins over the auth cookie', async () => {
    const { request, auth } = buildApp({ cookie: 'jwt', impersonation: { cookie: 'jwt_imp' } });
    const { token: admin } = await auth.issue(root);
    const res = await request.post('/auth/token/impersonate').set('Authorization', bearer(admin)).send({ user: '1' }).expect(201);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const imp = cookies.find((c) => c.startsWith('jwt_imp='));
    expect(imp).to.be.a('string');
    expect(imp).to.include('httponly');
    const value = imp!.slice('jwt_imp='.length, imp!.indexOf(';'));
    expect(value).to.equal(res.body.token);
    const me = await request.get('/me').set('Cookie', `jwt=${admin}; jwt_imp=${value}`).expect(200);
    expect(me.body.user.username).to.equal('alice');
    expect(me.body.jwt.source).to.equal('impersonation-cookie');
  });

  it('gives a token that cannot be refreshed past its own lifetime (exp capped at orig_exp)', async () => {
    const { request, auth } = buildApp({ token: { expiresIn: 300 } });
    const { token: admin } = await auth.issue(root);
    const { body: { token } } = await request.post('/auth/token/impersonate').set('Authorization', bearer(admin)).send({ user: '1' }).expect(201);
    const first = decode(token).payload;
    const { body: { token: refreshed } } = await request.post('/auth/token/refresh').send({ token }).expect(201);
    const second = decode(refreshed).payload;
    expect(second.act).to.deep.equal({ sub: '3' });
    expect(second.orig_exp).to.equal(first.exp);
    expect(second.exp as number).to.be.at.most(first.exp as number);
  });

  it('in pair mode gives an access token that the middleware accepts', async () => {
    const { request, auth } = buildApp({ refresh: { pair: true } });
    const { token: admin } = await auth.issue(root);
    const res = await request.post('/auth/token/impersonate').set('Authorization', bearer(admin)).send({ user: '1' }).expect(201);
    expect(decode(res.body.token).payload.token_type).to.equal('access');
    const me = await request.get('/me').set('Authorization', bearer(res.body.token)).expect(200);
    expect(me.body.user.username).to.equal('alice');
  });

  it('answers 404 not_available in JSON on a verify-only service, to anonymous and authenticated callers alike', async () => {
    const keys = keyPair('P-256');
    const issuer = koaJwt(testConfig({ keys: { algorithm: 'ES256', privateKey: keys.privatePem } }));
    const { request, auth } = buildApp({}, { config: { keys: { algorithm: 'ES256', publicKey: keys.publicPem } } });
    const { token: admin } = await issuer.issue(root);
    for (const req of [request.post('/auth/token/impersonate'), request.post('/auth/token/impersonate').set('Authorization', bearer(admin))]) {
      const res = await req.send({ user: '1' }).expect(404).expect('Content-Type', /json/);
      expect(res.body).to.deep.equal({ error: 'not_available', error_description: 'This service only verifies tokens: it has no users to impersonate.' });
    }
    await Promise.all([issuer.close(), auth.close()]);
  });
});
