import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';
import { claims, countingServer, expectRefused, forge, getMe } from './attack-kit.js';

describe('attack: unknown kid with an empty signature', function () {
  it('refuses it as 401 token_invalid with local keys', async function () {
    const app = buildApp();
    expectRefused(await getMe(app, forge({ alg: 'HS256', kid: 'no-such-key' }, claims(), { none: true })));
    expectRefused(await getMe(app, forge({ alg: 'HS256', kid: 'no-such-key' }, claims())));
  });

  it('refuses it without fetching the remote JWKS (keys.jwksUri) — no crash, no request', async function () {
    const { publicKey } = keyPair('P-256');
    const jwks = countingServer(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'known', alg: 'ES256', use: 'sig' }] }));
    const server = await jwks;
    try {
      const app = buildApp({}, { config: { keys: { algorithm: 'ES256', jwksUri: `${server.url}/.well-known/jwks.json` } } });
      for (const kid of ['no-such-key', 'known']) {
        expectRefused(await getMe(app, forge({ alg: 'ES256', kid }, claims(), { none: true })));
      }
      expect(server.requests).to.deep.equal([]);
      await app.auth.close();
    } finally {
      await server.close();
    }
  });
});
