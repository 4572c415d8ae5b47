import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { buildApp, testConfig } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';

describe('refresh on a verify-only service', () => {
  for (const pair of [false, true]) {
    it(`answers 404 not_available in JSON${pair ? ' in pair mode' : ''}, never 503 (nothing here can issue)`, async () => {
      const keys = keyPair('P-256');
      const issuer = koaJwt(testConfig({ keys: { algorithm: 'ES256', privateKey: keys.privatePem }, ...(pair ? { refresh: { pair: true } } : {}) }));
      const { request } = buildApp({}, { config: { keys: { algorithm: 'ES256', publicKey: keys.publicPem }, ...(pair ? { refresh: { pair: true } } : {}) } });
      const issued = await issuer.issue({ id: '1', username: 'alice' });
      const body = pair ? { refresh: issued.refresh } : { token: issued.token };
      const res = await request.post('/auth/token/refresh').send(body).expect(404).expect('Content-Type', /json/);
      expect(res.body).to.deep.equal({ error: 'not_available', error_description: 'This service only verifies tokens: it issues none to refresh.' });
      expect(res.headers['retry-after']).to.equal(undefined);
      await issuer.close();
    });
  }
});
