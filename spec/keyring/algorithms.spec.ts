import { expect } from 'chai';
import { verify as cryptoVerify } from 'node:crypto';
import type { Algorithm } from '../../lib/keyring/algorithms.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { type KeyKind, keyPair, secretOf } from '../helpers/keys.js';
import { decode } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { id: '1', username: 'alice' };

const ASYMMETRIC: Array<[Algorithm, KeyKind]> = [
  ['RS256', 'rsa'], ['RS384', 'rsa'], ['RS512', 'rsa'],
  ['PS256', 'rsa'], ['PS384', 'rsa'], ['PS512', 'rsa'],
  ['ES256', 'P-256'], ['ES384', 'P-384'], ['ES512', 'P-521'],
  ['EdDSA', 'ed25519'],
];

describe('algorithms', () => {
  for (const [alg, bytes] of [['HS256', 32], ['HS384', 48], ['HS512', 64]] as const) {
    it(`${alg} signs and verifies`, async () => {
      const auth = koaJwt({ keys: { algorithm: alg, secret: secretOf(bytes) }, users: testUsers() });
      const { token } = await auth.issue(alice);
      expect(decode(token).header.alg).to.equal(alg);
      expect((await auth.verify(token)).username).to.equal('alice');
    });
  }

  for (const [alg, kind] of ASYMMETRIC) {
    it(`${alg} signs and verifies`, async () => {
      const { privatePem, publicPem } = keyPair(kind);
      const auth = koaJwt({ keys: { algorithm: alg, privateKey: privatePem }, users: testUsers() });
      const { token } = await auth.issue(alice);
      expect(decode(token).header.alg).to.equal(alg);
      expect((await auth.verify(token)).username).to.equal('alice');
      // And a verify-only service holding just the public key accepts it.
      const verifier = koaJwt({ keys: { algorithm: alg, publicKey: publicPem } });
      expect((await verifier.verify(token)).username).to.equal('alice');
    });
  }

  it('refuses an RSA-PSS-only key at start-up (it has no JWK form to publish)', () => {
    const err = configErrorOf({ keys: { algorithm: 'PS256', privateKey: keyPair('rsa-pss').privatePem }, users: testUsers() });
    expect(err.path).to.equal('keys.privateKey');
    expect(err.message).to.contain('RSA-PSS');
  });

  describe('EdDSA (Ed25519, through node:crypto)', () => {
    const ed = keyPair('ed25519');
    const auth = koaJwt({ keys: { algorithm: 'EdDSA', privateKey: ed.privatePem }, users: testUsers() });

    it('writes a signature node:crypto verifies with the public key', async () => {
      const { token } = await auth.issue(alice);
      const [h, p, s] = token.split('.');
      expect(cryptoVerify(null, Buffer.from(`${h}.${p}`), ed.publicKey, Buffer.from(s!, 'base64url'))).to.equal(true);
      expect(decode(token).header).to.include({ alg: 'EdDSA', typ: 'JWT' });
    });

    it('refuses a token whose signature was altered', async () => {
      const { token } = await auth.issue(alice);
      const [h, p, s] = token.split('.');
      const sig = Buffer.from(s!, 'base64url');
      sig[0] = sig[0]! ^ 1;
      await rejectsWithCode(auth.verify(`${h}.${p}.${sig.toString('base64url')}`), 'token_invalid');
    });

    it('refuses a token signed by another Ed25519 key', async () => {
      const other = koaJwt({ keys: { algorithm: 'EdDSA', privateKey: { [internalsOf(auth).keyring.signingKey()!.kid]: keyPair('ed25519', 'other').privatePem } }, users: testUsers() });
      const { token } = await other.issue(alice);
      await rejectsWithCode(auth.verify(token), 'token_invalid');
    });

    it('publishes an OKP key in the JWKS', () => {
      expect(internalsOf(auth).keyring.jwks().keys[0]).to.include({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(internalsOf(auth).keyring.jwks().keys[0]).not.to.have.property('d');
    });
  });
});
