import { expect } from 'chai';
import { createPublicKey } from 'node:crypto';
import { buildApp, testUsers } from '../helpers/app.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';
import { internalsOf } from '../../lib/internals.js';

// The classic: the server verifies RS256 with a public key the attacker knows; the attacker
// signs HS256 with that public key's bytes as the HMAC secret, hoping the verifier takes the
// alg from the token and the key "as a string".
describe('attack: RS/HS algorithm confusion', function () {
  const { privatePem, publicKey, privateKey } = keyPair('rsa');
  const spki = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const pkcs1 = publicKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const jwk = publicKey.export({ format: 'jwk' });
  const app = buildApp({ keys: { algorithm: 'RS256', privateKey: privatePem } });
  const kid = app.auth.keyring.list()[0]!.kid;
  const published = internalsOf(app.auth).keyring.jwks().keys[0]!;

  const secrets: Array<[string, string]> = [
    ['the SPKI PEM', spki],
    ['the SPKI PEM without its trailing newline', spki.trimEnd()],
    ['the PKCS#1 PEM', pkcs1],
    ['the PKCS#1 PEM without its trailing newline', pkcs1.trimEnd()],
    ['the JWK as JSON', JSON.stringify(jwk)],
    ['the published JWK (kid, alg, use) as JSON', JSON.stringify(published)],
    ['the DER of the SPKI', createPublicKey(spki).export({ format: 'der', type: 'spki' }).toString('latin1')],
  ];

  for (const [name, secret] of secrets) {
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      const hash = `sha${alg.slice(2)}` as 'sha256';
      it(`refuses ${alg} signed with ${name} as the HMAC secret, without a kid`, async function () {
        expectRefused(await getMe(app, forge({ alg, typ: 'JWT' }, claims(), { hmac: secret, hash })));
      });
      it(`refuses ${alg} signed with ${name} as the HMAC secret, with the RSA key's kid`, async function () {
        expectRefused(await getMe(app, forge({ alg, typ: 'JWT', kid }, claims(), { hmac: secret, hash })));
      });
    }
  }

  it('refuses it too when the service also accepts HS256 with its own secret (each key verifies its own alg)', async function () {
    const mixed = buildApp({ keys: { algorithm: ['RS256', 'HS256'], privateKey: { rsa: privatePem }, secret: { hs: SECRET } }, users: testUsers() });
    for (const secret of [spki, pkcs1, JSON.stringify(jwk)]) {
      expectRefused(await getMe(mixed, forge({ alg: 'HS256', typ: 'JWT', kid: 'rsa' }, claims(), { hmac: secret })));
      expectRefused(await getMe(mixed, forge({ alg: 'HS256', typ: 'JWT' }, claims(), { hmac: secret })));
    }
    // The control: the real secret under its own kid passes.
    expect((await getMe(mixed, forge({ alg: 'HS256', typ: 'JWT', kid: 'hs' }, claims()))).status).to.equal(200);
  });

  it('refuses a public key configured as keys.secret at start-up', function () {
    expect(() => buildApp({ keys: { secret: spki } })).to.throw(/keys\.secret.*PEM/);
    expect(() => buildApp({ keys: { secret: jwk as never } })).to.throw(/keys\.secret/);
  });

  it('accepts the genuine RS256 token (the control)', async function () {
    expect((await getMe(app, forge({ alg: 'RS256', typ: 'JWT', kid }, claims(), { key: privateKey, alg: 'RS256' }))).status).to.equal(200);
  });
});
