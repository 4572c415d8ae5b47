import { expect } from 'chai';
import { createSecretKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import type { JwkObject } from '../../lib/keyring/material.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { detachedKeyPair } from '../../lib/keyring/key-pair.js';
import { internalsOf } from '../../lib/internals.js';

/** Signs and verifies one token with the config, proving the key material was understood. */
async function roundTrip(keys: KoaJwtConfig['keys']): Promise<void> {
  const auth = koaJwt({ keys, users: testUsers() });
  const { token } = await auth.issue({ id: '1', username: 'alice' });
  const payload = await auth.verify(token);
  expect(payload.username).to.equal('alice');
}

describe('key material', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-keys-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const rsa = () => keyPair('rsa');

  it('accepts a PEM string', () => roundTrip({ algorithm: 'RS256', privateKey: rsa().privatePem }));

  it('accepts a PEM Buffer', () => roundTrip({ algorithm: 'RS256', privateKey: Buffer.from(rsa().privatePem) }));

  it('accepts a KeyObject', () => roundTrip({ algorithm: 'RS256', privateKey: rsa().privateKey }));

  it('accepts a private JWK', () => roundTrip({ algorithm: 'RS256', privateKey: { ...rsa().privateKey.export({ format: 'jwk' }) } as never }));

  it('accepts a secret as a string, Buffer, KeyObject and oct JWK', async () => {
    await roundTrip({ secret: SECRET });
    await roundTrip({ secret: Buffer.from(SECRET) });
    await roundTrip({ secret: createSecretKey(Buffer.from(SECRET)) });
    await roundTrip({ secret: { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') } });
  });

  it("reads a 'file:' reference (PEM)", async () => {
    const file = join(dir, 'private.pem');
    writeFileSync(file, rsa().privatePem);
    await roundTrip({ algorithm: 'RS256', privateKey: `file:${file}` });
  });

  it("reads a 'file:' reference (JWK as JSON)", async () => {
    const file = join(dir, 'private.jwk.json');
    writeFileSync(file, JSON.stringify(rsa().privateKey.export({ format: 'jwk' })));
    await roundTrip({ algorithm: 'RS256', privateKey: `file:${file}` });
  });

  it("reads a 'file:' secret", async () => {
    const file = join(dir, 'secret.txt');
    writeFileSync(file, SECRET);
    await roundTrip({ secret: `file:${file}` });
  });

  it("refuses a 'file:' reference that cannot be read, naming the path", () => {
    const err = configErrorOf({ keys: { secret: `file:${join(dir, 'missing')}` }, users: testUsers() });
    expect(err.path).to.equal('keys.secret');
    expect(err.message).to.contain('cannot read');
  });

  describe("'env:' references", () => {
    const names = ['KOA_JWT_KIT_SPEC_SECRET', 'KOA_JWT_KIT_SPEC_PEM', 'KOA_JWT_KIT_SPEC_UNSET'];
    afterEach(() => {
      for (const name of names) delete process.env[name];
    });

    it('reads a secret from the environment', async () => {
      process.env.KOA_JWT_KIT_SPEC_SECRET = SECRET;
      await roundTrip({ secret: 'env:KOA_JWT_KIT_SPEC_SECRET' });
    });

    it('reads a PEM with escaped newlines from the environment', async () => {
      process.env.KOA_JWT_KIT_SPEC_PEM = rsa().privatePem.replace(/\n/g, '\\n');
      await roundTrip({ algorithm: 'RS256', privateKey: 'env:KOA_JWT_KIT_SPEC_PEM' });
    });

    it('refuses an unset variable, naming it', () => {
      const err = configErrorOf({ keys: { secret: 'env:KOA_JWT_KIT_SPEC_UNSET' }, users: testUsers() });
      expect(err.path).to.equal('keys.secret');
      expect(err.message).to.contain('KOA_JWT_KIT_SPEC_UNSET');
    });

    it('checks the length of the secret it read', () => {
      process.env.KOA_JWT_KIT_SPEC_SECRET = 'too-short';
      expect(configErrorOf({ keys: { secret: 'env:KOA_JWT_KIT_SPEC_SECRET' }, users: testUsers() }).message).to.contain('at least 32 bytes');
    });
  });

  it('turns every key into a KeyObject at load', () => {
    const auth = koaJwt({ keys: { algorithm: ['RS256', 'HS256'], privateKey: rsa().privatePem, secret: SECRET }, users: testUsers() });
    for (const { kid } of auth.keyring.list()) {
      const key = internalsOf(auth).keyring.get(kid)!;
      expect(key.verifyingKey).to.be.instanceOf(KeyObject);
      expect(key.signingKey).to.be.instanceOf(KeyObject);
    }
  });
});

describe('JWK kids in config', () => {
  it("names a key by the JWK's own kid when the config gives none", async () => {
    const { privateKey } = detachedKeyPair(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    const jwk = { ...(privateKey.export({ format: 'jwk' }) as JwkObject), kid: 'from-the-jwk' };
    const auth = koaJwt({ keys: { algorithm: 'ES256', privateKey: jwk }, users: testUsers() });
    expect(auth.keyring.list().map((k) => k.kid)).to.deep.equal(['from-the-jwk']);
    const { token } = await auth.issue({ id: '1', username: 'alice' });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).to.equal('from-the-jwk');
    await auth.close();
  });
});
