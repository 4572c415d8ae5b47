import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { detachedKeyPair } from '../../lib/keyring/key-pair.js';

describe('token cookies', () => {
  it('sets a Secure cookie on obtain even when Koa sees plain HTTP (TLS ended at a proxy), instead of a 500', async () => {
    const { request, auth } = buildApp({ cookie: { name: 'jwt', secure: true } });
    const res = await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' });
    expect(res.status).to.equal(201);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('jwt='));
    expect(cookie, 'Set-Cookie jwt').to.be.a('string');
    expect(cookie).to.match(/;\s*secure/i).and.match(/;\s*httponly/i);
    await auth.close();
  });

  it('answers a verify-only service\'s obtain with 404 not_available, not a server error', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = detachedKeyPair(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    const { request, auth } = buildApp({}, { config: { keys: { algorithm: 'ES256', publicKey } } });
    const res = await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' });
    expect(res.status).to.equal(404);
    expect(res.body.error).to.equal('not_available');
    await auth.close();
  });
});
