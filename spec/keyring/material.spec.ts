import { createPrivateKey, createSecretKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { KeySpec } from '../../lib/keyring/key.js';
import { importPublicKey, type JwkObject } from '../../lib/keyring/material.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { configErrorFrom, configErrorOf } from '../helpers/config.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { internalsOf } from '../../lib/internals.js';

const users = testUsers();
const ec = () => keyPair('P-256');
const privateJwk = (): JwkObject => ({ ...(ec().privateKey.export({ format: 'jwk' }) as JwkObject) });
const publicJwk = (): JwkObject => ({ ...(ec().publicKey.export({ format: 'jwk' }) as JwkObject) });
const octJwk = (): JwkObject => ({ kty: 'oct', k: Buffer.from(SECRET).toString('base64url') });

describe('key material import (lib/keyring/material)', () => {
  describe('shared secrets (importSecret)', () => {
    it('refuses a private or public KeyObject given as keys.secret, saying so', () => {
      expect(configErrorOf({ keys: { secret: ec().privateKey }, users }).message)
        .to.equal('keys.secret: a private key was given where a shared secret is needed');
      expect(configErrorOf({ keys: { secret: ec().publicKey }, users }).message)
        .to.equal('keys.secret: a public key was given where a shared secret is needed');
    });

    it('refuses a private KeyObject as the rotation encryption key with a ConfigError (not a crash in export())', () => {
      const err = configErrorOf({ keys: { rotation: { every: '30d', algorithm: 'ES256', encryptionKey: ec().privateKey } }, users });
      expect(err.message).to.equal('keys.rotation.encryptionKey: a private key was given where a shared secret is needed');
    });

    it('refuses an RSA or EC JWK given as a secret (HS/RS confusion), naming its kty', () => {
      expect(configErrorOf({ keys: { secret: { ...keyPair('rsa').privateKey.export({ format: 'jwk' }) } }, users }).message)
        .to.equal('keys.secret: a JWK of kty "RSA" was given where a shared secret (kty "oct") is needed');
      expect(configErrorOf({ keys: { secret: { ...publicJwk(), k: Buffer.from(SECRET).toString('base64url') } }, users }).message)
        .to.equal('keys.secret: a JWK of kty "EC" was given where a shared secret (kty "oct") is needed');
    });

    it('refuses an oct JWK without its k member', () => {
      expect(configErrorOf({ keys: { secret: { kty: 'oct' } }, users }).message)
        .to.equal('keys.secret: a JWK of kty "oct" was given where a shared secret (kty "oct") is needed');
    });

    it('refuses an oct JWK marked for encryption (use "enc")', () => {
      const err = configErrorOf({ keys: { secret: { ...octJwk(), use: 'enc' } }, users });
      expect(err.path).to.equal('keys.secret');
      expect(err.message).to.equal('keys.secret: a JWK with use "enc" is not a signature key');
    });

    it('refuses an oct JWK whose key_ops allow neither sign nor verify', () => {
      expect(configErrorOf({ keys: { secret: { ...octJwk(), key_ops: ['encrypt', 'decrypt'] } }, users }).message)
        .to.equal('keys.secret: a JWK whose key_ops ["encrypt","decrypt"] do not allow "sign" or "verify"');
    });

    it('accepts an oct JWK whose key_ops allow sign, and signs and verifies with it', async () => {
      for (const keyOps of [['sign'], ['sign', 'verify']]) {
        const auth = koaJwt({ keys: { secret: { ...octJwk(), key_ops: keyOps } }, users });
        const { token } = await auth.issue({ id: '1', username: 'alice' });
        expect((await auth.verify(token)).username, JSON.stringify(keyOps)).to.equal('alice');
        await auth.close();
      }
    });

    it('takes an oct JWK whose key_ops are ["verify"] to verify only: it never signs (RFC 7517 §4.3)', async () => {
      const issuer = koaJwt({ keys: { secret: { shared: octJwk() } }, users });
      const verifier = koaJwt({ keys: { secret: { shared: { ...octJwk(), key_ops: ['verify'] } } } });
      const { token } = await issuer.issue({ id: '1', username: 'alice' });
      expect((await verifier.verify(token)).username, 'it verifies').to.equal('alice');
      expect(internalsOf(verifier).keyring.signingKey()).to.equal(undefined);
      expect(verifier.keyring.list().map((k) => [k.kid, k.canSign])).to.deep.equal([['shared', false]]);
      expect(await verifier.issue({ id: '1', username: 'alice' }).then(() => 'issued', (err: { code?: string }) => err.code)).to.equal('temporarily_unavailable');
      await issuer.close();
      await verifier.close();
    });

    it('keyring.add() takes a verify-only oct JWK the same way: it cannot be made the signing key', async () => {
      const auth = koaJwt({ keys: { secret: { s1: SECRET } }, users });
      auth.keyring.add({ kid: 'v', alg: 'HS256', secret: { ...octJwk(), key_ops: ['verify'] } }, { state: 'active' });
      expect(auth.keyring.list().find((k) => k.kid === 'v')?.canSign).to.equal(false);
      expect(() => auth.keyring.promote('v')).to.throw(/cannot sign/);
      await auth.close();
    });

    it("refuses an 'env:' reference to a variable set to the empty string as not set", () => {
      process.env.KOA_JWT_KIT_SPEC_EMPTY = '';
      try {
        expect(configErrorOf({ keys: { secret: 'env:KOA_JWT_KIT_SPEC_EMPTY' }, users }).message)
          .to.equal('keys.secret: environment variable KOA_JWT_KIT_SPEC_EMPTY is not set');
      } finally {
        delete process.env.KOA_JWT_KIT_SPEC_EMPTY;
      }
    });
  });

  describe('private keys (importPrivateKey)', () => {
    it('refuses a public KeyObject where a private key is needed (it could never sign)', () => {
      const err = configErrorOf({ keys: { algorithm: 'ES256', privateKey: ec().publicKey }, users });
      expect(err.path).to.equal('keys.privateKey');
      expect(err.message).to.equal('keys.privateKey: a public key was given where a private key is needed');
    });

    it('refuses a secret KeyObject where a private key is needed', () => {
      expect(configErrorOf({ keys: { algorithm: 'ES256', privateKey: createSecretKey(Buffer.from(SECRET)) }, users }).message)
        .to.equal('keys.privateKey: a secret key was given where a private key is needed');
    });

    it('refuses a public JWK where a private key is needed', () => {
      expect(configErrorOf({ keys: { algorithm: 'ES256', privateKey: publicJwk() }, users }).message)
        .to.equal('keys.privateKey: a public JWK was given where a private key is needed');
    });

    it('refuses an oct JWK where a private key is needed', () => {
      expect(configErrorOf({ keys: { algorithm: 'ES256', privateKey: octJwk() }, users }).message)
        .to.equal('keys.privateKey: a shared secret (kty "oct") was given where a private key is needed');
    });

    it('refuses a private JWK whose key_ops do not allow "sign"', () => {
      expect(configErrorOf({ keys: { algorithm: 'ES256', privateKey: { ...privateJwk(), key_ops: ['verify'] } }, users }).message)
        .to.equal('keys.privateKey: a JWK whose key_ops ["verify"] do not allow "sign"');
    });

    it('accepts a private JWK whose key_ops are ["sign", "verify"] and signs with it', async () => {
      const auth = koaJwt({ keys: { algorithm: 'ES256', privateKey: { k1: { ...privateJwk(), key_ops: ['sign', 'verify'] } } }, users });
      const { token } = await auth.issue({ id: '1', username: 'alice' });
      expect((await auth.verify(token)).username).to.equal('alice');
      await auth.close();
    });

    it('refuses a private JWK whose alg is not a JWS algorithm, naming it', () => {
      expect(configErrorOf({ keys: { algorithm: 'ES256', privateKey: { ...privateJwk(), alg: 'ECDH-ES' } }, users }).message)
        .to.equal('keys.privateKey: a JWK with alg "ECDH-ES", which is not a supported JWS algorithm');
    });

    it("gives OpenSSL's reason for a PEM it cannot decode, without OpenSSL's error code", () => {
      const garbage = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n';
      let openssl = '';
      try {
        createPrivateKey(garbage);
      } catch (err) {
        openssl = (err as Error).message;
      }
      const [, reason] = /^error:[0-9A-F]+:(.+)$/.exec(openssl) ?? [];
      expect(reason, `node:crypto said ${JSON.stringify(openssl)}`).to.be.a('string');
      expect(configErrorOf({ keys: { algorithm: 'ES256', privateKey: garbage }, users }).message).to.equal(`keys.privateKey: ${reason}`);
    });
  });

  describe('public keys (importPublicKey)', () => {
    it('refuses a secret KeyObject where a public key is needed', () => {
      const err = configErrorOf({ keys: { algorithm: 'ES256', publicKey: createSecretKey(Buffer.from(SECRET)) }, users });
      expect(err.message).to.equal('keys.publicKey: a shared secret was given where a public key is needed');
    });

    it('takes the public half of a private KeyObject given as a public key, never publishing the private one', async () => {
      expect(importPublicKey(ec().privateKey, 'p').type).to.equal('public');
      const auth = koaJwt({ keys: { algorithm: 'ES256', publicKey: { pub: ec().privateKey } } });
      const key = internalsOf(auth).keyring.get('pub')!;
      expect(key.verifyingKey.type).to.equal('public');
      expect(key.signingKey).to.equal(undefined);
      expect(internalsOf(auth).keyring.jwks().keys.map((k) => k.kid)).to.deep.equal(['pub']);
      expect(JSON.stringify(internalsOf(auth).keyring.jwks())).not.to.match(/"d"/);
      await auth.close();
    });

    it('refuses an oct JWK where a public key is needed', () => {
      expect(configErrorOf({ keys: { algorithm: 'ES256', publicKey: octJwk() }, users }).message)
        .to.equal('keys.publicKey: a shared secret (kty "oct") was given where a public key is needed');
    });

    it('refuses a string that is not a PEM, pointing to keys.secret', () => {
      expect(configErrorOf({ keys: { algorithm: 'ES256', publicKey: SECRET }, users }).message)
        .to.equal('keys.publicKey: not a PEM public key (a shared secret goes in keys.secret)');
    });

    it('refuses a public JWK whose key_ops do not allow "verify", and accepts ["sign", "verify"]', async () => {
      expect(configErrorOf({ keys: { algorithm: 'ES256', publicKey: { ...publicJwk(), key_ops: ['sign'] } } }).message)
        .to.equal('keys.publicKey: a JWK whose key_ops ["sign"] do not allow "verify"');
      const auth = koaJwt({ keys: { algorithm: 'ES256', publicKey: { pub: { ...publicJwk(), key_ops: ['sign', 'verify'] } } } });
      expect(auth.keyring.list().map((k) => k.kid)).to.deep.equal(['pub']);
      await auth.close();
    });
  });

  describe("'file:' references", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-material-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a JWK file that starts with a blank line as a JWK', async () => {
      const file = join(dir, 'private.jwk');
      writeFileSync(file, `\n  ${JSON.stringify(privateJwk(), null, 2)}\n`);
      const auth = koaJwt({ keys: { algorithm: 'ES256', privateKey: { k1: `file:${file}` } }, users });
      expect(internalsOf(auth).keyring.get('k1')!.signingKey!.equals(ec().privateKey)).to.equal(true);
      await auth.close();
    });
  });

  describe('keyring.add() (no config schema in front)', () => {
    let auth: KoaJwt;
    beforeEach(() => {
      auth = koaJwt({ keys: { algorithm: ['HS256', 'ES256'], secret: { s: SECRET } }, users });
    });
    afterEach(() => auth.close());

    const add = (spec: Record<string, unknown>) => configErrorFrom(() => auth.keyring.add(spec as unknown as KeySpec));
    const jwkLookalike = () => {
      const fn = (): void => undefined;
      Object.defineProperties(fn, { kty: { value: 'oct' }, k: { value: Buffer.from(SECRET).toString('base64url') } });
      return fn;
    };

    for (const [name, value] of [['null', () => null], ['a number', () => 42], ['an object without kty', () => ({ k: 'x' })], ['a function carrying kty and k', jwkLookalike]] as const) {
      it(`refuses ${name} as a secret with a ConfigError naming key.secret`, () => {
        const err = add({ kid: 'x', alg: 'HS256', secret: value() });
        expect(err.message).to.equal('key.secret: expected a string, Buffer, KeyObject or JWK');
      });
    }

    for (const member of ['privateKey', 'publicKey'] as const) {
      it(`refuses null and a number as a ${member} with a ConfigError naming key.${member}`, () => {
        for (const value of [null, 42]) {
          expect(add({ kid: 'x', alg: 'ES256', [member]: value }).message).to.equal(`key.${member}: expected a PEM string or Buffer, a KeyObject or a JWK`);
        }
      });
    }
  });
});
