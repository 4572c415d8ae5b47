import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { loadKeyDir, type ManifestEntry, writeManifest } from '../../lib/keyring/dir.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { keyPair } from '../helpers/keys.js';
import { decode } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

describe('key directory (keys.dir)', () => {
  let dir: string;
  const put = (file: string, text: string) => writeFileSync(join(dir, file), text);
  const manifest = (keys: Partial<ManifestEntry>[]) => writeManifest(dir, { keys: keys as ManifestEntry[] });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-keys-'));
    put('a.pem', keyPair('P-256', 'a').privatePem);
    put('b.json', JSON.stringify(keyPair('P-256', 'b').privateKey.export({ format: 'jwk' })));
    put('c.pem', keyPair('P-256', 'c').publicPem);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads PEM and JWK files in manifest order with their states', () => {
    manifest([
      { kid: 'a', alg: 'ES256', state: 'active', file: 'a.pem', createdAt: '2026-11-01T00:00:00.000Z' },
      { kid: 'b', alg: 'ES256', state: 'next', file: 'b.json' },
      { kid: 'c', alg: 'ES256', state: 'retired', file: 'c.pem', notAfter: '2026-12-01T00:00:00.000Z' },
    ]);
    const keys = loadKeyDir(dir, ['ES256']);
    expect(keys.map((k) => [k.kid, k.state, k.signingKey !== undefined])).to.deep.equal([['a', 'active', true], ['b', 'next', true], ['c', 'retired', false]]);
    expect(keys[0]!.createdAt.toISOString()).to.equal('2026-11-01T00:00:00.000Z');
    expect(keys[2]!.notAfter!.toISOString()).to.equal('2026-12-01T00:00:00.000Z');
  });

  it('signs with the first active key and publishes every key, joined to the configured ones', async () => {
    manifest([
      { kid: 'b', alg: 'ES256', state: 'next', file: 'b.json' },
      { kid: 'a', alg: 'ES256', state: 'active', file: 'a.pem' },
    ]);
    const auth = koaJwt({ keys: { algorithm: 'ES256', dir, publicKey: { cfg: keyPair('P-256', 'cfg').publicPem } }, users: testUsers() });
    const { token } = await auth.issue({ id: '1', username: 'alice' });
    expect(decode(token).header.kid).to.equal('a');
    expect(internalsOf(auth).keyring.jwks().keys.map((k) => k.kid)).to.deep.equal(['cfg', 'b', 'a']);
    await auth.close();
  });

  it('says which entry is wrong', () => {
    manifest([{ kid: 'a', alg: 'ES256', state: 'active', file: '../a.pem' }]);
    expect(configErrorOf({ keys: { algorithm: 'ES256', dir }, users: testUsers() }).path).to.equal('keys.dir: manifest.json keys[0].file');
    manifest([{ kid: 'a', alg: 'ES256', state: 'current' as never, file: 'a.pem' }]);
    expect(configErrorOf({ keys: { algorithm: 'ES256', dir }, users: testUsers() }).path).to.equal('keys.dir: manifest.json keys[0].state');
    manifest([{ kid: 'a', alg: 'ES384', state: 'active', file: 'a.pem' }]);
    expect(configErrorOf({ keys: { algorithm: ['ES256', 'ES384'], dir }, users: testUsers() }).message).to.match(/ES384 needs curve secp384r1/);
  });

  it('refuses a kid that is both in the config and in the directory', () => {
    manifest([{ kid: 'a', alg: 'ES256', state: 'active', file: 'a.pem' }]);
    expect(configErrorOf({ keys: { algorithm: 'ES256', dir, privateKey: { a: keyPair('P-256', 'x').privatePem } }, users: testUsers() }).message).to.match(/kid a is both/);
  });

  it('refuses an empty directory as the only key source, naming the command that fills it', () => {
    expect(configErrorOf({ keys: { algorithm: 'ES256', dir }, users: testUsers() }).message).to.match(/keys generate/);
  });

  it('refuses to start when the directory\'s only signing key was retired (instead of answering every login with a 500)', () => {
    manifest([{ kid: 'a', alg: 'ES256', state: 'retired', file: 'a.pem' }]);
    const error = configErrorOf({ keys: { algorithm: 'ES256', dir }, users: testUsers() });
    expect(error.path).to.equal('keys.dir');
    expect(error.message).to.match(/no ES256 key that can sign is active \(a: retired\).*keys promote/);
  });

  it('starts verify-only from a directory of public keys (nothing to sign with, nothing to promote)', async () => {
    manifest([{ kid: 'c', alg: 'ES256', state: 'active', file: 'c.pem' }]);
    const auth = koaJwt({ keys: { algorithm: 'ES256', dir } });
    expect(internalsOf(auth).keyring.signingKey()).to.equal(undefined);
    await auth.close();
  });

  it('refuses a directory that does not exist', () => {
    expect(() => loadKeyDir(join(dir, 'missing'), ['ES256'])).to.throw(ConfigError, /does not exist/);
  });
});
