import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadKeyMaterial } from '../../lib/config/load-keys.js';
import { parseConfig, resolveConfig } from '../../lib/config/resolve.js';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { ConfigError } from '../../lib/errors.js';
import { type ManifestEntry, writeManifest } from '../../lib/keyring/dir.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { testUsers } from '../helpers/app.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { configErrorFrom, DEV } from '../helpers/config.js';

// The key material step (lib/config/load-keys.ts): the rules that need the keys themselves.


const load = (input: KoaJwtConfig) => loadKeyMaterial(parseConfig(input, DEV));
const errorOf = (input: KoaJwtConfig): ConfigError => configErrorFrom(() => load(input));

/** A store without attempt counters (store.attempts): throttle limits cannot run on it. */
const storeWithoutAttempts = () => {
  const { attempts: _none, ...store } = memoryStore();
  return store;
};

describe('config: the rules of the key material step', () => {
  describe('the key directory (keys.dir)', () => {
    let dir: string;
    const manifest = (keys: Partial<ManifestEntry>[]) => writeManifest(dir, { keys: keys as ManifestEntry[] });
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'kjk-key-rules-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('names keys.dir when a kid is both in the config and in the directory', () => {
      writeFileSync(join(dir, 'a.pem'), keyPair('P-256', 'a').privatePem);
      manifest([{ kid: 'a', alg: 'ES256', state: 'active', file: 'a.pem' }]);
      const error = errorOf({ keys: { algorithm: 'ES256', dir, privateKey: { a: keyPair('P-256', 'x').privatePem } } });
      expect(error.path).to.equal('keys.dir');
    });

    it('names keys.dir when the directory is empty and the only key source', () => {
      expect(errorOf({ keys: { algorithm: 'ES256', dir } }).path).to.equal('keys.dir');
    });

    it('lists every key of the signing algorithm with its state when none is active', () => {
      writeFileSync(join(dir, 'a.pem'), keyPair('P-256', 'a').privatePem);
      writeFileSync(join(dir, 'b.pem'), keyPair('P-256', 'b').privatePem);
      manifest([
        { kid: 'a', alg: 'ES256', state: 'retired', file: 'a.pem' },
        { kid: 'b', alg: 'ES256', state: 'next', file: 'b.pem' },
      ]);
      const error = errorOf({ keys: { algorithm: 'ES256', dir } });
      expect(error.path).to.equal('keys.dir');
      expect(error.message).to.match(/no ES256 key that can sign is active \(a: retired, b: next\)/);
    });
  });

  describe('signing keys', () => {
    it('names the asymmetric algorithm that has no key at all', () => {
      const error = errorOf({ keys: { algorithm: 'RS256' } });
      expect(error.path).to.equal('keys.privateKey');
      expect(error.message).to.match(/RS256 needs a private key to sign or a public key to verify$/);
    });

    it('refuses a config whose first algorithm has no key that can sign, though another algorithm\'s key can', () => {
      const error = errorOf({ keys: { algorithm: ['ES256', 'HS256'], secret: SECRET } });
      expect(error.path).to.equal('keys.algorithm');
      expect(error.message).to.match(/ES256 signs \(it is first\), but no key for it can sign$/);
    });
  });

  describe('keys.rotation.encryptionKey', () => {
    it('says how many bytes a short one has', () => {
      const error = errorOf({ keys: { rotation: { algorithm: 'ES256', every: '30d', publishAhead: '1d', checkEvery: '1h', encryptionKey: 'short' } } });
      expect(error.path).to.equal('keys.rotation.encryptionKey');
      expect(error.message).to.match(/needs at least 32 bytes, got 5$/);
    });
  });

  // A service that issues no tokens has no login, refresh or impersonate route to protect.
  describe('throttle', () => {
    it('is off (false) when the config turns it off', () => {
      expect(resolveConfig({ keys: { secret: SECRET }, users: testUsers(), throttle: false }, DEV).throttle).to.equal(false);
    });

    it('is off for a verify-only service (public keys, no users), which may use a store without attempt counters', () => {
      const config = resolveConfig({ keys: { algorithm: 'ES256', publicKey: keyPair('P-256').publicPem }, store: storeWithoutAttempts() }, DEV);
      expect(config.throttle).to.equal(false);
    });

    it('stays on for a service without users that holds a key that can sign (auth.issue, the refresh route)', () => {
      const config = resolveConfig({ keys: { algorithm: 'ES256', privateKey: { a: keyPair('P-256', 'a').privatePem }, publicKey: { b: keyPair('P-256', 'b').publicPem } } }, DEV);
      expect(config.throttle).to.be.an('object');
    });

    it('stays on for a service without users whose keys come from managed rotation', () => {
      const config = resolveConfig({ keys: { rotation: { algorithm: 'ES256', every: '30d', publishAhead: '1d', checkEvery: '1h' } } }, DEV);
      expect(config.throttle).to.be.an('object');
    });
  });
});
