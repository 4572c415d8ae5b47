import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import type { KeyInfo } from '../../lib/keyring/keyring.js';
import { detachedKeyPair } from '../../lib/keyring/key-pair.js';
import type { JwkObject } from '../../lib/keyring/material.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { keyPair, SECRET } from '../helpers/keys.js';

// keys.secret, keys.privateKey and keys.publicKey become keyring keys at start-up: each key
// gets its kid and the configured algorithm its material fits, and a refusal names the config
// path of the one entry at fault.

/** What keyring.list() tells of the keys a config starts with (the auth is closed). */
async function keysOf(keys: KoaJwtConfig['keys'], withUsers = true): Promise<Array<Pick<KeyInfo, 'kid' | 'alg' | 'state' | 'canSign'>>> {
  const auth = koaJwt({ keys, ...(withUsers ? { users: testUsers() } : {}) });
  const list = auth.keyring.list().map(({ kid, alg, state, canSign }) => ({ kid, alg, state, canSign }));
  await auth.close();
  return list;
}

const jwkOf = (key: import('node:crypto').KeyObject): JwkObject => ({ ...(key.export({ format: 'jwk' }) as JwkObject) });

describe('config: keys.secret, keys.privateKey and keys.publicKey', () => {
  describe('kids', () => {
    it("refuses a JWK whose own kid is empty, naming the JWK's kid", () => {
      const err = configErrorOf({ keys: { algorithm: 'ES256', privateKey: { ...jwkOf(keyPair('P-256').privateKey), kid: '' } }, users: testUsers() });
      expect(err.path).to.equal('keys.privateKey.kid');
      expect(err.message).to.equal('keys.privateKey.kid: a kid is 1 to 128 printable ASCII characters without spaces');
    });

    it('names the list entry whose JWK kid has a space', () => {
      const err = configErrorOf({ keys: { algorithm: 'ES256', publicKey: [{ ...jwkOf(keyPair('P-256').publicKey), kid: 'a b' }] } });
      expect(err.path).to.equal('keys.publicKey[0].kid');
      expect(err.message).to.match(/without spaces$/);
    });

    it('labels unnamed secrets secret-1, secret-2, … in config order', async () => {
      const other = 'another-secret-of-at-least-32-bytes-0123';
      expect((await keysOf({ secret: [SECRET, other] })).map((k) => k.kid)).to.deep.equal(['secret-1', 'secret-2']);
    });

    it('refuses two keys of one kid, naming keys', () => {
      const err = configErrorOf({ keys: { algorithm: ['HS256', 'ES256'], secret: { a: SECRET }, privateKey: { a: keyPair('P-256').privatePem } }, users: testUsers() });
      expect(err.path).to.equal('keys');
      expect(err.message).to.equal('keys: two keys have the kid a');
    });
  });

  describe('the algorithm a key fits', () => {
    it('gives each EC key the algorithm of its curve', async () => {
      const keys = await keysOf({ algorithm: ['ES384', 'ES256'], privateKey: { p384: keyPair('P-384').privatePem, p256: keyPair('P-256').privatePem } });
      expect(keys.map((k) => [k.kid, k.alg])).to.deep.equal([['p384', 'ES384'], ['p256', 'ES256']]);
    });

    it('signs and verifies EdDSA with an Ed25519 key and with an Ed448 key', async () => {
      const ed448 = detachedKeyPair(generateKeyPairSync('ed448'));
      for (const privateKey of [keyPair('ed25519').privatePem, ed448.privateKey]) {
        const auth = koaJwt({ keys: { algorithm: 'EdDSA', privateKey }, users: testUsers() });
        const { token } = await auth.issue({ id: '1', username: 'alice' });
        expect((await auth.verify(token)).username).to.equal('alice');
        expect(auth.keyring.list().map((k) => k.alg)).to.deep.equal(['EdDSA']);
        await auth.close();
      }
    });

    it('gives an Ed25519 key EdDSA when an EC algorithm comes first', async () => {
      const keys = await keysOf({ algorithm: ['ES256', 'EdDSA'], privateKey: { es: keyPair('P-256').privatePem, ed: keyPair('ed25519').privatePem } });
      expect(keys.map((k) => [k.kid, k.alg])).to.deep.equal([['es', 'ES256'], ['ed', 'EdDSA']]);
    });

    it('refuses a key of a type no JWS algorithm signs with (X25519), naming its path and the configured algorithms', () => {
      const { publicKey } = detachedKeyPair(generateKeyPairSync('x25519'));
      const err = configErrorOf({ keys: { algorithm: ['ES256', 'EdDSA'], publicKey } });
      expect(err.message).to.equal('keys.publicKey: a public key of type x25519, but keys.algorithm (ES256, EdDSA) has no algorithm for it');
    });

    it('refuses an RSA-PSS-only key, saying that a plain RSA key signs PS256 too', () => {
      const err = configErrorOf({ keys: { algorithm: ['ES256', 'PS256'], privateKey: keyPair('rsa-pss').privatePem }, users: testUsers() });
      expect(err.message).to.equal('keys.privateKey: an RSA-PSS-only key (id-RSASSA-PSS) cannot be published as a JWK; give a plain RSA key, which signs PS256 too');
    });

    it('refuses keys.secret when keys.algorithm has no HS algorithm, listing keys.algorithm', () => {
      const err = configErrorOf({ keys: { algorithm: ['RS256', 'ES256'], secret: SECRET }, users: testUsers() });
      expect(err.message).to.equal('keys.secret: a shared secret needs an HS* algorithm, but keys.algorithm is RS256, ES256');
    });

    it("takes the algorithm a JWK names (its alg) when keys.algorithm lists it", async () => {
      const keys = await keysOf({ algorithm: ['RS256', 'RS384'], publicKey: { ...jwkOf(keyPair('rsa').publicKey), alg: 'RS384' } }, false);
      expect(keys.map((k) => k.alg)).to.deep.equal(['RS384']);
    });

    it("passes over a JWK's alg that keys.algorithm does not list", async () => {
      const keys = await keysOf({ algorithm: ['RS256'], publicKey: { ...jwkOf(keyPair('rsa').publicKey), alg: 'RS384' } }, false);
      expect(keys.map((k) => k.alg)).to.deep.equal(['RS256']);
    });
  });

  describe('a public key beside the private keys', () => {
    it('keeps one key when the public half of the configured private key is given too', async () => {
      const { privatePem, publicPem } = keyPair('P-256');
      const keys = await keysOf({ algorithm: 'ES256', privateKey: privatePem, publicKey: publicPem });
      expect(keys.map((k) => [k.alg, k.canSign])).to.deep.equal([['ES256', true]]);
    });

    it('keeps one key when both halves are given under the same kid', async () => {
      const { privatePem, publicPem } = keyPair('P-256');
      const keys = await keysOf({ algorithm: 'ES256', privateKey: { k1: privatePem }, publicKey: { k1: publicPem } });
      expect(keys.map((k) => [k.kid, k.canSign])).to.deep.equal([['k1', true]]);
    });

    it('refuses the public half of a private key under another kid, naming the private key\'s kid', () => {
      const { privatePem, publicPem } = keyPair('P-256');
      const err = configErrorOf({ keys: { algorithm: 'ES256', privateKey: { k1: privatePem }, publicKey: { k2: publicPem } }, users: testUsers() });
      expect(err.path).to.equal('keys.publicKey.k2');
      expect(err.message).to.equal('keys.publicKey.k2: this is the public key of k1; give both the same kid');
    });

    it('keeps another public key as an active key that verifies the configured algorithms of its family', async () => {
      const signer = keyPair('rsa');
      const other = keyPair('rsa', 'static-keys-other');
      const auth = koaJwt({ keys: { algorithm: ['RS256', 'PS256'], privateKey: { signer: signer.privatePem }, publicKey: { other: other.publicPem } }, users: testUsers() });
      const issuer = koaJwt({ keys: { algorithm: 'PS256', privateKey: { other: other.privatePem } }, users: testUsers() });
      try {
        expect(auth.keyring.list().map(({ kid, state, canSign }) => [kid, state, canSign])).to.deep.equal([['signer', 'active', true], ['other', 'active', false]]);
        const { token } = await issuer.issue({ id: '1', username: 'alice' });
        expect((await auth.verify(token)).username).to.equal('alice');
      } finally {
        await auth.close();
        await issuer.close();
      }
    });
  });
});
