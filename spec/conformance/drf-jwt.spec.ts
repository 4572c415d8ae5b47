import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { memoryUsers } from '../../lib/users/memory-users.js';
import { buildApp } from '../helpers/app.js';
import { decode, handSign, nowSeconds } from '../helpers/tokens.js';

// A token as drf-jwt (Django REST framework JWT) mints it with a shared HS256 secret: PyJWT's
// header, and drf-jwt's claim set: username, user_id as a JSON number (Django's integer pk),
// exp, orig_iat (with ALLOW_REFRESH) and jti (TOKEN_ID). A differential run against drf-jwt
// showed tokens interoperate both ways; this pins our side of it.

describe('tokens minted by drf-jwt (shared HS256 secret)', () => {
  const users = memoryUsers([{ id: 42, username: 'django-admin', password: 'django-admin-password' }]);
  const { request, auth } = buildApp({ users });
  const drfJwtToken = () => handSign({ username: 'django-admin', user_id: 42, exp: nowSeconds() + 300, orig_iat: nowSeconds() - 60, jti: randomUUID().replace(/-/g, '') });

  it('authenticates a request: ctx.state.user is the Django user', async () => {
    const token = drfJwtToken();
    expect(decode(token).payload).to.have.all.keys('username', 'user_id', 'exp', 'orig_iat', 'jti');
    const res = await request.get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.body.user).to.include({ id: 42, username: 'django-admin' });
    expect((await auth.verify(token)).user_id).to.equal(42);
  });

  it('is refreshable: same orig_iat, the drf-jwt jti becomes the family id', async () => {
    const token = drfJwtToken();
    const original = decode(token).payload;
    const res = await request.post('/auth/token/refresh').send({ token }).expect(201);
    const refreshed = decode(res.body.token).payload;
    expect(refreshed).to.include({ username: 'django-admin', orig_iat: original.orig_iat, orig_jti: original.jti });
    expect(String(refreshed.user_id)).to.equal('42');
    expect(refreshed.jti).to.not.equal(original.jti);
    await request.get('/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
  });

  it('is revoked with its family by a logout', async () => {
    const token = drfJwtToken();
    await request.post('/auth/token/blacklist').send({ token }).expect(201);
    expect((await request.get('/me').set('Authorization', `Bearer ${token}`).expect(401)).body.error).to.equal('token_revoked');
  });
});
