import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

// A key verifies the alg it is pinned to; a token naming that key's kid with another alg is
// refused, even when another key of the keyring could verify that alg.
describe('attack: alg differing from the kid\'s pinned alg', function () {
  const es = keyPair('P-256');
  const es384 = keyPair('P-384');
  const rsa = keyPair('rsa');
  const app = buildApp({ keys: { algorithm: ['ES256', 'RS256', 'ES384'], privateKey: { es: es.privatePem, rs: rsa.privatePem, es384: es384.privatePem } } });

  it('refuses RS256, validly signed by the RSA key, but naming the ES256 key\'s kid', async function () {
    expectRefused(await getMe(app, forge({ alg: 'RS256', kid: 'es' }, claims(), { key: rsa.privateKey, alg: 'RS256' })));
  });

  it('refuses ES384, validly signed by the P-384 key, but naming the ES256 key\'s kid', async function () {
    expectRefused(await getMe(app, forge({ alg: 'ES384', kid: 'es' }, claims(), { key: es384.privateKey, alg: 'ES384' })));
  });

  it('refuses PS256 naming the RS256 key\'s kid (another padding with the same key)', async function () {
    expectRefused(await getMe(app, forge({ alg: 'PS256', kid: 'rs' }, claims(), { key: rsa.privateKey, alg: 'PS256' })));
  });

  it('refuses HS256 naming the ES256 key\'s kid', async function () {
    expectRefused(await getMe(app, forge({ alg: 'HS256', kid: 'es' }, claims(), { hmac: es.publicPem })));
  });

  it('accepts each key with its own alg (the controls)', async function () {
    expect((await getMe(app, forge({ alg: 'ES256', kid: 'es' }, claims(), { key: es.privateKey, alg: 'ES256' }))).status).to.equal(200);
    expect((await getMe(app, forge({ alg: 'RS256', kid: 'rs' }, claims(), { key: rsa.privateKey, alg: 'RS256' }))).status).to.equal(200);
    expect((await getMe(app, forge({ alg: 'ES384', kid: 'es384' }, claims(), { key: es384.privateKey, alg: 'ES384' }))).status).to.equal(200);
  });
});
