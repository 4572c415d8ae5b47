import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { MAX_KID_LENGTH } from '../../lib/keyring/key.js';
import { keyPair } from '../helpers/keys.js';
import { claims, countingServer, forge } from './attack-kit.js';

// A mutation: dropping the kid rule at request time (1 to 128 printable characters) failed no
// spec, because an odd kid is unknown anyway. Where the rule matters is before a lookup that
// costs something: a verify-only service asks its issuer's JWKS for a kid it does not know, so
// every attacker-chosen kid would be a fetch (and a 10 KB kid a cache key). The rule refuses it
// before the remote source is asked at all.
describe('attack: kids that are not short printable strings, against a remote JWKS', function () {
  const es = keyPair('P-256');
  const odd: Record<string, string> = {
    [`${MAX_KID_LENGTH + 1} characters`]: 'k'.repeat(MAX_KID_LENGTH + 1),
    '10 KB': 'k'.repeat(10 * 1024),
    'a space': 'a kid',
    'a newline': 'kid\nX-Injected: 1',
    'non-ASCII': 'kéy',
  };

  for (const [name, kid] of Object.entries(odd)) {
    it(`refuses a kid of ${name} as token_invalid without fetching the JWKS`, async function () {
      const issuer = await countingServer();
      const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: `${issuer.url}/jwks.json` }, token: { maxLength: 1 << 16 } });
      try {
        const token = forge({ alg: 'ES256', kid }, claims(), { key: es.privateKey, alg: 'ES256' });
        const err = await auth.verify(token).then(() => undefined, (e: unknown) => e);
        expect(err).to.have.property('code', 'token_invalid');
        expect((err as Error).message).to.match(/invalid kid/);
        expect(issuer.requests, 'JWKS requests').to.deep.equal([]);
      } finally {
        await auth.close();
        await issuer.close();
      }
    });
  }

  it(`a kid of exactly ${MAX_KID_LENGTH} characters is looked up (the control: the JWKS is fetched)`, async function () {
    const issuer = await countingServer();
    const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: `${issuer.url}/jwks.json` } });
    try {
      const token = forge({ alg: 'ES256', kid: 'k'.repeat(MAX_KID_LENGTH) }, claims(), { key: es.privateKey, alg: 'ES256' });
      await auth.verify(token).catch(() => undefined);
      // Looked up: the JWKS was fetched (a second, immediate refetch for an unknown kid is within the token bucket).
      expect(issuer.requests).to.include('GET /jwks.json');
      expect(new Set(issuer.requests)).to.deep.equal(new Set(['GET /jwks.json']));
    } finally {
      await auth.close();
      await issuer.close();
    }
  });
});
