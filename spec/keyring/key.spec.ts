import { createHash, createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { isAlgorithm } from '../../lib/keyring/algorithms.js';
import { createKey, defaultAlgorithmFor, isValidKid, type KeySpec, MAX_KID_LENGTH, thumbprint } from '../../lib/keyring/key.js';
import { keyPair, secretOf } from '../helpers/keys.js';

// One key of the keyring: what it accepts as material for each algorithm, its kid, and the
// algorithms it may verify (pinned by the key, never taken from a token alone). The config schema
// checks much of this before a key is built; keyring.add() does not go through it, so every rule
// is pinned here on the key itself.

const PATH = 'keys.x';

function errorOf(spec: KeySpec, verifies?: readonly string[]): ConfigError {
  try {
    createKey(spec, { state: 'active', path: PATH, ...(verifies ? { verifies: verifies as KeySpec['alg'][] } : {}) });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const algorithmsOf = (spec: KeySpec, verifies: readonly string[]) =>
  createKey(spec, { state: 'active', path: PATH, verifies: verifies as KeySpec['alg'][] }).algorithms;

describe('a key', function () {
  describe('material for its algorithm', function () {
    it('HS* needs a secret: a private key, a public key or nothing is refused at <path>.secret, saying what was given', function () {
      const rsa = keyPair('rsa');
      expect(errorOf({ alg: 'HS256', privateKey: rsa.privatePem })).to.include({ path: `${PATH}.secret` });
      expect(errorOf({ alg: 'HS256', privateKey: rsa.privatePem }).message).to.match(/HS256 signs with a shared secret, got a private key$/);
      expect(errorOf({ alg: 'HS256', publicKey: rsa.publicPem }).message).to.match(/got a public key$/);
      expect(errorOf({ alg: 'HS256' }).message).to.match(/got nothing$/);
    });

    it('HS* errors about the secret itself name <path>.secret: too short, guessable, not a secret', function () {
      expect(errorOf({ alg: 'HS256', secret: secretOf(31) })).to.include({ path: `${PATH}.secret` });
      expect(errorOf({ alg: 'HS256', secret: 'my_very_long_and_safe_secret_key' })).to.include({ path: `${PATH}.secret` });
      expect(errorOf({ alg: 'HS256', secret: keyPair('rsa').privatePem })).to.include({ path: `${PATH}.secret` });
    });

    it('an asymmetric algorithm refuses a secret, and needs a private or a public key', function () {
      expect(errorOf({ alg: 'RS256', secret: secretOf(32) })).to.include({ path: `${PATH}.secret` });
      expect(errorOf({ alg: 'RS256', secret: secretOf(32) }).message).to.contain('RS256 needs a private or public key, not a shared secret');
      expect(errorOf({ alg: 'ES256' })).to.include({ path: `${PATH}.privateKey` });
      expect(errorOf({ alg: 'ES256' }).message).to.contain('ES256 needs a private key (to sign) or a public key (to verify)');
    });

    it('a key of the wrong type is refused at the path it was given under', function () {
      const ec = keyPair('P-256');
      const rsa = keyPair('rsa');
      expect(errorOf({ alg: 'RS256', privateKey: ec.privatePem })).to.include({ path: `${PATH}.privateKey` });
      expect(errorOf({ alg: 'RS256', privateKey: ec.privatePem }).message).to.contain('RS256 needs an RSA key, got ec');
      expect(errorOf({ alg: 'RS256', publicKey: ec.publicPem })).to.include({ path: `${PATH}.publicKey` });
      expect(errorOf({ alg: 'ES256', privateKey: rsa.privatePem }).message).to.contain('ES256 needs an EC key, got rsa');
      expect(errorOf({ alg: 'ES384', privateKey: ec.privatePem }).message).to.contain('ES384 needs curve secp384r1, got prime256v1');
      expect(errorOf({ alg: 'EdDSA', privateKey: ec.privatePem }).message).to.contain('EdDSA needs an Ed25519 or Ed448 key, got ec');
      expect(errorOf({ alg: 'PS256', privateKey: keyPair('rsa-pss').privatePem }).message).to.contain('RSA-PSS-only key');
    });

    it('an unknown algorithm is refused at <path>.alg', function () {
      expect(errorOf({ alg: 'HS999' as KeySpec['alg'], secret: secretOf(32) })).to.include({ path: `${PATH}.alg` });
    });

    it('EdDSA takes Ed25519 and Ed448 keys', function () {
      const ed448 = generateKeyPairSync('ed448').privateKey;
      expect(createKey({ alg: 'EdDSA', privateKey: ed448 }, { state: 'active', path: PATH }).alg).to.equal('EdDSA');
      expect(createKey({ alg: 'EdDSA', privateKey: keyPair('ed25519').privateKey }, { state: 'active', path: PATH }).alg).to.equal('EdDSA');
    });

    it('an RSA public exponent must be odd and at least 3 (e = 1 makes every signature its own message)', function () {
      const e3 = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }).publicKey;
      expect(createKey({ alg: 'RS256', publicKey: e3 }, { state: 'active', path: PATH }).alg).to.equal('RS256');
      const { n } = keyPair('rsa').publicKey.export({ format: 'jwk' }) as { n: string };
      const withExponent = (e: number): KeyObject => createPublicKey({ key: { kty: 'RSA', n, e: Buffer.from([e]).toString('base64url') }, format: 'jwk' });
      expect(errorOf({ alg: 'RS256', publicKey: withExponent(1) }).message).to.contain('odd and at least 3, got 1');
      expect(errorOf({ alg: 'RS256', publicKey: withExponent(4) }).message).to.contain('odd and at least 3, got 4');
    });

    it('an RSA public exponent is at most 2^33 - 1 (BoringSSL\'s bound: a huge e makes every signature check slow)', function () {
      const { n } = keyPair('rsa').publicKey.export({ format: 'jwk' }) as { n: string };
      const withExponent = (e: bigint): KeyObject => createPublicKey({ key: { kty: 'RSA', n, e: Buffer.from(e.toString(16).padStart(10, '0'), 'hex').toString('base64url') }, format: 'jwk' });
      expect(createKey({ alg: 'RS256', publicKey: withExponent(2n ** 33n - 1n) }, { state: 'active', path: PATH }).alg).to.equal('RS256');
      const err = errorOf({ alg: 'RS256', publicKey: withExponent(2n ** 33n + 1n) });
      expect(err.path).to.equal(`${PATH}.publicKey`);
      expect(err.message).to.contain('at most 2^33 - 1, got one of 34 bits');
    });
  });

  describe('kid', function () {
    it('is 1 to 128 printable ASCII characters, a string', function () {
      expect(isValidKid('k')).to.equal(true);
      expect(isValidKid('k'.repeat(MAX_KID_LENGTH))).to.equal(true);
      expect(isValidKid('k'.repeat(MAX_KID_LENGTH + 1))).to.equal(false);
      expect(isValidKid('')).to.equal(false);
      expect(isValidKid('a b')).to.equal(false);
      expect(isValidKid(['k'])).to.equal(false);
      expect(isValidKid(7)).to.equal(false);
    });

    it('a configured kid that breaks the rule is refused at <path>.kid', function () {
      const err = errorOf({ kid: 'has space', alg: 'ES256', privateKey: keyPair('P-256').privatePem });
      expect(err.path).to.equal(`${PATH}.kid`);
      expect(err.message).to.contain('a kid is 1 to 128 printable ASCII characters');
    });

    it('an unnamed secret gets a local label `secret-…` that is never written into tokens', function () {
      const key = createKey({ alg: 'HS256', secret: secretOf(32) }, { state: 'active', path: PATH });
      expect(key.kid).to.match(/^secret-[\w-]{8}$/);
      expect(key.labelOnly).to.equal(true);
    });

    it('an unnamed public key gets its RFC 7638 thumbprint', function () {
      expect(createKey({ alg: 'ES256', privateKey: keyPair('P-256').privatePem }, { state: 'active', path: PATH }).kid).to.equal(thumbprint(keyPair('P-256').publicKey));
    });
  });

  describe('thumbprint (RFC 7638)', function () {
    it('matches the RFC\'s own example (§3.1)', function () {
      const n = '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
      const key = createPublicKey({ key: { kty: 'RSA', n, e: 'AQAB' }, format: 'jwk' });
      expect(thumbprint(key)).to.equal('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    });

    const expected = (members: Record<string, string>): string => createHash('sha256').update(JSON.stringify(members)).digest('base64url');

    it('hashes crv, kty, x, y of an EC key in that order, from the private key too', function () {
      const { crv, x, y } = keyPair('P-256').publicKey.export({ format: 'jwk' }) as Record<string, string>;
      const want = expected({ crv: crv!, kty: 'EC', x: x!, y: y! });
      expect(thumbprint(keyPair('P-256').publicKey)).to.equal(want);
      expect(thumbprint(keyPair('P-256').privateKey)).to.equal(want);
    });

    it('hashes crv, kty, x of an Ed25519 key', function () {
      const { crv, x } = keyPair('ed25519').publicKey.export({ format: 'jwk' }) as Record<string, string>;
      expect(thumbprint(keyPair('ed25519').publicKey)).to.equal(expected({ crv: crv!, kty: 'OKP', x: x! }));
    });
  });

  describe('the algorithms it verifies', function () {
    const secret64 = secretOf(64);

    it('the configured ones of its own family, its own algorithm first', function () {
      expect(algorithmsOf({ alg: 'HS512', secret: secret64 }, ['HS256', 'RS256', 'HS384', 'HS512', 'ES256'])).to.deep.equal(['HS512', 'HS256', 'HS384']);
      expect(algorithmsOf({ alg: 'RS384', privateKey: keyPair('rsa').privatePem }, ['ES256', 'RS256', 'PS256', 'RS384', 'HS256'])).to.deep.equal(['RS384', 'RS256', 'PS256']);
    });

    it('a secret verifies only the HS algorithms its length allows', function () {
      expect(algorithmsOf({ alg: 'HS256', secret: secretOf(32) }, ['HS256', 'HS384', 'HS512'])).to.deep.equal(['HS256']);
      expect(algorithmsOf({ alg: 'HS256', secret: secretOf(48) }, ['HS256', 'HS384', 'HS512'])).to.deep.equal(['HS256', 'HS384']);
    });

    it('an EC key verifies only the algorithm of its curve', function () {
      expect(algorithmsOf({ alg: 'ES256', privateKey: keyPair('P-256').privatePem }, ['ES256', 'ES384', 'ES512'])).to.deep.equal(['ES256']);
    });

    it('its own algorithm even when the list leaves it out, once', function () {
      expect(algorithmsOf({ alg: 'HS512', secret: secret64 }, ['HS256'])).to.deep.equal(['HS512', 'HS256']);
      expect(algorithmsOf({ alg: 'HS256', secret: secretOf(32) }, ['HS256'])).to.deep.equal(['HS256']);
    });

    it('only its own algorithm without a list', function () {
      expect(createKey({ alg: 'HS384', secret: secretOf(64) }, { state: 'active', path: PATH }).algorithms).to.deep.equal(['HS384']);
    });
  });

  it('defaultAlgorithmFor: the algorithm a key of each type signs when none is named (a remote JWK without alg)', function () {
    const cases: Array<[KeyObject, string]> = [
      [createSecretKey(Buffer.from(secretOf(32))), 'HS256'],
      [createPublicKey(keyPair('rsa').privateKey), 'RS256'],
      [keyPair('rsa-pss').publicKey, 'PS256'],
      [keyPair('P-256').publicKey, 'ES256'],
      [keyPair('P-384').publicKey, 'ES384'],
      [keyPair('P-521').publicKey, 'ES512'],
      [keyPair('ed25519').publicKey, 'EdDSA'],
    ];
    for (const [key, alg] of cases) expect(defaultAlgorithmFor(key), `${key.asymmetricKeyType}`).to.equal(alg);
  });

  it('isAlgorithm: exact names only, and only strings', function () {
    expect(isAlgorithm('HS256')).to.equal(true);
    expect(isAlgorithm('hs256')).to.equal(false);
    expect(isAlgorithm(['HS256'])).to.equal(false);
    expect(isAlgorithm('toString')).to.equal(false);
  });
});
