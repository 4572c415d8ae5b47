import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { decode } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };
const bearer = (token: string) => `Bearer ${token}`;

describe('POST /token/logout-all', () => {
  it('answers 204 and makes every token of the caller 401 at once, leaving other users alone', async () => {
    const { request, auth } = buildApp({ userSecrets: true });
    const { token: phone } = await auth.issue(alice);
    const { token: laptop } = await auth.issue(alice);
    const { token: root } = await auth.issue({ id: '3', username: 'root', isSuperuser: true });
    await request.post('/auth/token/logout-all').set('Authorization', bearer(phone)).expect(204);
    expect((await request.get('/me').set('Authorization', bearer(laptop)).expect(401)).body.error).to.equal('token_invalid');
    await request.get('/me').set('Authorization', bearer(phone)).expect(401);
    await request.get('/me').set('Authorization', bearer(root)).expect(200);
    // A token issued after the rotation works.
    const { token: fresh } = await auth.issue(alice);
    await request.get('/me').set('Authorization', bearer(fresh)).expect(200);
  });

  it('answers 401 credentials_required to an anonymous caller', async () => {
    const { request } = buildApp({ userSecrets: true });
    expect((await request.post('/auth/token/logout-all').expect(401)).body.error).to.equal('credentials_required');
  });

  it('answers 401 for a bad token', async () => {
    const { request } = buildApp({ userSecrets: true });
    await request.post('/auth/token/logout-all').set('Authorization', 'Bearer a.b.c').expect(401);
  });

  it('is not installed without userSecrets: true', async () => {
    const { request, auth } = buildApp();
    const { token } = await auth.issue(alice);
    await request.post('/auth/token/logout-all').set('Authorization', bearer(token)).expect(404);
  });

  it('signs per-user tokens with the kid "user"', async () => {
    const { auth } = buildApp({ userSecrets: true });
    const { token } = await auth.issue(alice);
    expect(decode(token).header.kid).to.equal('user');
  });
});
