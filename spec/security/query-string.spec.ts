import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';

// RFC 6750 §5.3: tokens in URLs end up in logs and Referer headers. They are never read.
describe('attack: token in the query string', function () {
  const app = buildApp();

  it('ignores ?token=, ?access_token= and ?jwt= — the request stays anonymous (401 credentials_required)', async function () {
    const { token } = await app.auth.issue({ id: '1', username: 'alice' });
    for (const name of ['token', 'access_token', 'jwt', 'authorization', 'Authorization']) {
      const res = await app.request.get(`/me?${name}=${encodeURIComponent(name.toLowerCase() === 'authorization' ? `Bearer ${token}` : token)}`);
      expect(res.status).to.equal(401);
      expect(res.body.error).to.equal('credentials_required');
    }
  });

  it('is anonymous on an optional route with a query token', async function () {
    const { token } = await app.auth.issue({ id: '1', username: 'alice' });
    const res = await app.request.get(`/maybe?access_token=${token}`);
    expect(res.status).to.equal(200);
    expect(res.body.user).to.equal(null);
  });
});
