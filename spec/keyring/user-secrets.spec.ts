import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { buildApp, testConfig } from '../helpers/app.js';
import { SECRET } from '../helpers/keys.js';
import { decode, handSign, nowSeconds } from '../helpers/tokens.js';

const alice = { id: '1', username: 'alice' };
const root = { id: '3', username: 'root', isSuperuser: true };

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'resolved';
}

describe('per-user secrets', () => {
  describe('userSecrets: true', () => {
    it('creates the user\'s secret on first issue and signs with a key derived from it, not the service secret', async () => {
      const store = memoryStore();
      const auth = koaJwt(testConfig({ store, userSecrets: true }));
      const { token } = await auth.issue(alice);
      expect(() => jwt.verify(token, SECRET, { algorithms: ['HS256'] })).to.throw('invalid signature');
      expect(await auth.verify(token)).to.include({ user_id: '1' });
      expect(await store.userSecrets.get('1')).to.be.a('string');
    });

    it('auth.rotateUserSecret(user) makes every earlier token of that user 401 at once', async () => {
      const auth = koaJwt(testConfig({ userSecrets: true }));
      const { token: a } = await auth.issue(alice);
      const { token: b } = await auth.issue(alice);
      const { token: other } = await auth.issue(root);
      await auth.verify(a);
      await auth.rotateUserSecret(alice);
      expect(await code(auth.verify(a))).to.equal('token_invalid');
      expect(await code(auth.verify(b))).to.equal('token_invalid');
      await auth.verify(other);
      await auth.verify((await auth.issue(alice)).token);
    });

    it('never creates a secret for a user id a token merely claims', async () => {
      let created = 0;
      const inner = memoryStore();
      const store: Store = { ...inner, userSecrets: { get: async (u) => { created++; return inner.userSecrets.get(u); }, rotate: inner.userSecrets.rotate } };
      const auth = koaJwt(testConfig({ store, userSecrets: true }));
      const forged = handSign({ user_id: 'no-such-user', exp: nowSeconds() + 60 }, { header: { kid: 'user' } });
      expect(await code(auth.verify(forged))).to.equal('token_invalid');
      expect(created).to.equal(0);
    });

    it('refuses a token signed with the service secret for a user (the user key is the only key)', async () => {
      const auth = koaJwt(testConfig({ userSecrets: true }));
      const token = handSign({ user_id: '1', username: 'alice', exp: nowSeconds() + 60 });
      expect(await code(auth.verify(token))).to.equal('token_invalid');
    });

    it('keeps a refreshed token on the user key, and rotation ends it too', async () => {
      const { request, auth } = buildApp({ userSecrets: true });
      const { token } = await auth.issue(alice);
      const { body } = await request.post('/auth/token/refresh').send({ token }).expect(201);
      expect(decode(body.token).header.kid).to.equal('user');
      await request.get('/me').set('Authorization', `Bearer ${body.token}`).expect(200);
      await auth.rotateUserSecret('1');
      await request.get('/me').set('Authorization', `Bearer ${body.token}`).expect(401);
    });
  });

  describe('userSecrets: (user) => secret (drf-jwt\'s function form)', () => {
    it('signs with the function\'s secret, so changing it logs the user out', async () => {
      const secrets: Record<string, string> = { '1': 'dRlEP8IQVJ11BA7j5nyi-zQweS49zvf_WVZB3eK7JIk', '3': 'iKar9-TNtWZHP8oFL_wtS2n54xBYTjVpQE-ipu54duE' };
      // The verified-token cache may keep a function-form token for up to 5 s after a change it cannot see.
      const auth = koaJwt(testConfig({ userSecrets: (user) => secrets[String(user.id)]!, token: { cache: false } }));
      const { token } = await auth.issue(alice);
      expect(jwt.verify(token, secrets['1']!, { algorithms: ['HS256'] })).to.include({ user_id: '1' });
      await auth.verify(token);
      secrets['1'] = 'PXa5Dgy8sU5vn9OGKeWdgBvzGZvex0bDG2196n2NyzA';
      expect(await code(auth.verify(token))).to.equal('token_invalid');
    });

    it('refuses rotateUserSecret: the application owns the secrets', async () => {
      const auth = koaJwt(testConfig({ userSecrets: () => 'x'.repeat(32) }));
      expect(await code(auth.rotateUserSecret(alice))).to.equal('config_invalid');
    });
  });
});
