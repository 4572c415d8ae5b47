import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadKeyDir, type ManifestEntry, readManifest } from '../../lib/keyring/dir.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { configErrorFrom, configErrorOf } from '../helpers/config.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { internalsOf } from '../../lib/internals.js';

describe('key directory manifest (manifest.json)', () => {
  let dir: string;
  const put = (file: string, text: string) => writeFileSync(join(dir, file), text);
  /** Writes manifest.json as given (not through writeManifest: the point is to write wrong ones). */
  const manifest = (value: unknown) => put('manifest.json', typeof value === 'string' ? value : JSON.stringify(value));
  const entries = (keys: Partial<Record<keyof ManifestEntry, unknown>>[]) => manifest({ keys });
  const users = testUsers();
  /** The ConfigError koaJwt() throws for the ES256 key directory. */
  const refusal = () => configErrorOf({ keys: { algorithm: 'ES256', dir }, users });
  const active = { kid: 'a', alg: 'ES256', state: 'active', file: 'a.pem' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-manifest-'));
    put('a.pem', keyPair('P-256', 'a').privatePem);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('readManifest', () => {
    it('names keys.dir by default when the directory does not exist', () => {
      const err = configErrorFrom(() => readManifest(join(dir, 'missing')));
      expect(err.path).to.equal('keys.dir');
      expect(err.message).to.match(/^keys\.dir: the key directory .*missing does not exist$/);
    });

    it('names keys.dir by default for a wrong entry', () => {
      entries([{ ...active, kid: undefined }]);
      expect(configErrorFrom(() => readManifest(dir)).path).to.equal('keys.dir: manifest.json keys[0].kid');
    });

    it('refuses a manifest that is not JSON, saying so', () => {
      manifest('{ "keys": [ ');
      const err = refusal();
      expect(err.path).to.equal('keys.dir');
      expect(err.message).to.match(/^keys\.dir: \S+manifest\.json is not valid JSON: /);
    });

    for (const [what, text] of [['null', 'null'], ['an object without keys', '{}'], ['an object whose keys is not an array', '{ "keys": { "a": {} } }']]) {
      it(`refuses a manifest that is ${what}: it needs a "keys" array`, () => {
        manifest(text);
        const err = refusal();
        expect(err.path).to.equal('keys.dir');
        expect(err.message).to.match(/^keys\.dir: \S+manifest\.json needs a "keys" array$/);
      });
    }

    for (const [what, entry] of [['a string', 'a.pem'], ['null', null], ['a number', 7]] as const) {
      it(`refuses an entry that is ${what}, naming keys.dir: manifest.json keys[1]`, () => {
        manifest({ keys: [active, entry] });
        expect(refusal().message).to.equal('keys.dir: manifest.json keys[1]: expected an object');
      });
    }

    it('refuses an entry without a kid, naming keys.dir: manifest.json keys[0].kid', () => {
      entries([{ ...active, kid: undefined }]);
      const err = refusal();
      expect(err.path).to.equal('keys.dir: manifest.json keys[0].kid');
      expect(err.message).to.equal('keys.dir: manifest.json keys[0].kid: a kid is 1 to 128 printable ASCII characters');
    });

    it('refuses two entries with the same kid, naming the second: keys.dir: manifest.json keys[1].kid', () => {
      put('b.pem', keyPair('P-256', 'b').privatePem);
      entries([active, { ...active, state: 'next', file: 'b.pem' }]);
      const err = refusal();
      expect(err.path).to.equal('keys.dir: manifest.json keys[1].kid');
      expect(err.message).to.equal('keys.dir: manifest.json keys[1].kid: two keys have the kid a');
    });

    it('refuses an unknown algorithm (and none) in the manifest itself, naming it', () => {
      for (const alg of ['none', 'es256', undefined]) {
        entries([{ ...active, alg }]);
        const err = configErrorFrom(() => readManifest(dir));
        expect(err.path).to.equal('keys.dir: manifest.json keys[0].alg');
        expect(err.message).to.equal(`keys.dir: manifest.json keys[0].alg: unknown algorithm ${JSON.stringify(alg)}`);
      }
    });

    it('refuses an unknown state, listing the states', () => {
      entries([{ ...active, state: 'current' }]);
      expect(refusal().message).to.equal('keys.dir: manifest.json keys[0].state: expected one of next, active, retired');
    });

    describe('file: a name inside the directory, never a path', () => {
      let outside: string;
      beforeEach(() => {
        outside = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-outside-'));
        writeFileSync(join(outside, 'x.pem'), keyPair('P-256', 'x').privatePem);
        mkdirSync(join(dir, 'sub'));
        put(join('sub', 'x.pem'), keyPair('P-256', 'x').privatePem);
        put('.x.pem', keyPair('P-256', 'x').privatePem);
      });
      afterEach(() => rmSync(outside, { recursive: true, force: true }));

      const refused = (file: unknown) => {
        entries([active, { kid: 'x', alg: 'ES256', state: 'next', file }]);
        const err = refusal();
        expect(err.path, JSON.stringify(file)).to.equal('keys.dir: manifest.json keys[1].file');
        expect(err.message).to.equal('keys.dir: manifest.json keys[1].file: expected a file name inside the key directory');
      };

      it('refuses a manifest entry whose file is an absolute path outside the directory, naming keys.dir: manifest.json keys[1].file', () => {
        refused(join(outside, 'x.pem'));
      });

      it('refuses a file that climbs out of the directory (../)', () => {
        refused(`../${join(outside, 'x.pem').split('/').slice(-2).join('/')}`);
      });

      it('refuses a file in a subdirectory', () => {
        refused('sub/x.pem');
      });

      it('refuses a hidden file, . and ..', () => {
        for (const file of ['.x.pem', '.', '..']) refused(file);
      });

      it('refuses a file that is missing or not a string', () => {
        for (const file of [undefined, 7, ['x.pem'], { name: 'x.pem' }]) refused(file);
      });
    });

    it('refuses a createdAt or notAfter that is not an ISO 8601 date string, naming it', () => {
      for (const [field, value] of [['createdAt', 'yesterday'], ['notAfter', 'soon'], ['createdAt', 2026], ['notAfter', ['2026-12-01']]] as const) {
        entries([{ ...active, [field]: value }]);
        const err = refusal();
        expect(err.path, JSON.stringify(value)).to.equal(`keys.dir: manifest.json keys[0].${field}`);
        expect(err.message).to.equal(`keys.dir: manifest.json keys[0].${field}: expected an ISO 8601 date`);
      }
    });
  });

  describe('loadKeyDir', () => {
    it('refuses a key of an algorithm that keys.algorithm does not list, naming keys.dir: manifest.json keys[1].alg', () => {
      put('b.pem', keyPair('P-384', 'b').privatePem);
      entries([active, { kid: 'b', alg: 'ES384', state: 'next', file: 'b.pem' }]);
      const err = configErrorOf({ keys: { algorithm: ['ES256', 'EdDSA'], dir }, users });
      expect(err.path).to.equal('keys.dir: manifest.json keys[1].alg');
      expect(err.message).to.equal('keys.dir: manifest.json keys[1].alg: ES384 is not one of keys.algorithm (ES256, EdDSA)');
    });

    it('refuses a manifest entry whose file does not exist, naming keys.dir: manifest.json keys[0].file', () => {
      entries([{ ...active, file: 'gone.pem' }]);
      const err = refusal();
      expect(err.path).to.equal('keys.dir: manifest.json keys[0].file');
      expect(err.message).to.match(/^keys\.dir: manifest\.json keys\[0\]\.file: cannot read \S+gone\.pem: ENOENT/);
    });

    it('refuses a key file that holds a file: or env: reference instead of a key: it would reach outside the directory', () => {
      const outside = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-outside-'));
      try {
        writeFileSync(join(outside, 'pub.pem'), keyPair('P-256', 'outside').publicPem);
        process.env.KOA_JWT_KIT_SPEC_KEY = keyPair('P-256', 'outside').privatePem;
        for (const reference of [`file:${join(outside, 'pub.pem')}`, 'env:KOA_JWT_KIT_SPEC_KEY', `  file:${join(outside, 'pub.pem')}\n`]) {
          put('a.pem', reference);
          entries([active]);
          const err = refusal();
          expect(err.path, reference).to.equal('keys.dir: manifest.json keys[0].file');
          expect(err.message).to.contain('a key file holds the key itself');
        }
      } finally {
        delete process.env.KOA_JWT_KIT_SPEC_KEY;
        rmSync(outside, { recursive: true, force: true });
      }
    });

    it('takes a key file that mentions file: or env: inside it (only a whole reference is refused)', () => {
      const jwk = { ...keyPair('P-256', 'a').privateKey.export({ format: 'jwk' }), note: 'rotated from file:old.pem and env:OLD' };
      put('a.json', JSON.stringify(jwk));
      entries([{ ...active, file: 'a.json' }]);
      expect(loadKeyDir(dir, ['ES256']).map((k) => k.kid)).to.deep.equal(['a']);
    });

    it('refuses a JWK file that is not JSON, naming keys.dir: manifest.json keys[0].file', () => {
      put('a.json', '{ "kty": "EC", ');
      entries([{ ...active, file: 'a.json' }]);
      const err = refusal();
      expect(err.path).to.equal('keys.dir: manifest.json keys[0].file');
      expect(err.message).to.match(/^keys\.dir: manifest\.json keys\[0\]\.file: \S+a\.json is not valid JSON: /);
    });

    it('reads a JWK file that starts with blank lines as a JWK', () => {
      put('a.json', `\n\n${JSON.stringify(keyPair('P-256', 'a').privateKey.export({ format: 'jwk' }))}`);
      entries([{ ...active, file: 'a.json' }]);
      const [key] = loadKeyDir(dir, ['ES256']);
      expect(key!.signingKey!.equals(keyPair('P-256', 'a').privateKey)).to.equal(true);
    });

    it('signs with a SEC1 (EC PRIVATE KEY) or PKCS#1 (RSA PRIVATE KEY) PEM, not only PKCS#8', () => {
      put('ec.pem', keyPair('P-256', 'a').privateKey.export({ format: 'pem', type: 'sec1' }).toString());
      put('rsa.pem', keyPair('rsa').privateKey.export({ format: 'pem', type: 'pkcs1' }).toString());
      entries([{ ...active, file: 'ec.pem' }, { kid: 'r', alg: 'RS256', state: 'next', file: 'rsa.pem' }]);
      const keys = loadKeyDir(dir, ['ES256', 'RS256']);
      expect(keys.map((k) => [k.kid, k.signingKey?.type])).to.deep.equal([['a', 'private'], ['r', 'private']]);
    });

    it('loads a public JWK file as a verify-only key', () => {
      put('c.json', JSON.stringify(keyPair('P-256', 'c').publicKey.export({ format: 'jwk' })));
      entries([active, { kid: 'c', alg: 'ES256', state: 'next', file: 'c.json' }]);
      const [, key] = loadKeyDir(dir, ['ES256']);
      expect(key!.signingKey).to.equal(undefined);
      expect(key!.verifyingKey.equals(keyPair('P-256', 'c').publicKey)).to.equal(true);
    });

    it('reads an HS secret file without its trailing newline, and an oct JWK file, as shared secrets', async () => {
      put('h.txt', `${SECRET}\n`);
      put('j.json', JSON.stringify({ kty: 'oct', k: Buffer.from(SECRET.split('').reverse().join('')).toString('base64url') }));
      entries([{ kid: 'h', alg: 'HS256', state: 'active', file: 'h.txt' }, { kid: 'j', alg: 'HS256', state: 'next', file: 'j.json' }]);
      const auth = koaJwt({ keys: { algorithm: 'HS256', dir }, users });
      expect(internalsOf(auth).keyring.get('h')!.signingKey!.export().toString()).to.equal(SECRET);
      expect(internalsOf(auth).keyring.get('j')!.signingKey!.export().toString()).to.equal(SECRET.split('').reverse().join(''));
      await auth.close();
    });
  });
});
