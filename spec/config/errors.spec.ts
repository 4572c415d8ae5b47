import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type ManifestEntry, writeManifest } from '../../lib/keyring/dir.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { keyPair, SECRET, secretOf } from '../helpers/keys.js';
import { internalsOf } from '../../lib/internals.js';

describe('config errors', () => {
  const users = testUsers();

  describe('keys.algorithm', () => {
    it('refuses an unknown algorithm, naming it', () => {
      const err = configErrorOf({ keys: { algorithm: 'HS999', secret: SECRET }, users });
      expect(err.path).to.equal('keys.algorithm');
      expect(err.message).to.contain('unknown algorithm "HS999"');
    });

    for (const none of ['none', 'None', 'NONE']) {
      it(`refuses '${none}'`, () => {
        const err = configErrorOf({ keys: { algorithm: none, secret: SECRET }, users });
        expect(err.path).to.equal('keys.algorithm');
        expect(err.message).to.match(/'none'.*never accepted/);
      });
    }

    it("refuses 'none' inside a list, naming its index", () => {
      const err = configErrorOf({ keys: { algorithm: ['HS256', 'none'], secret: SECRET }, users });
      expect(err.path).to.equal('keys.algorithm[1]');
    });
  });

  describe('HS secrets', () => {
    const cases = [['HS256', 32], ['HS384', 48], ['HS512', 64]] as const;
    for (const [alg, bytes] of cases) {
      it(`refuses an ${alg} secret shorter than ${bytes} bytes`, () => {
        const err = configErrorOf({ keys: { algorithm: alg, secret: secretOf(bytes - 1) }, users });
        expect(err.path).to.equal('keys.secret');
        expect(err.message).to.equal(`keys.secret: ${alg} needs at least ${bytes} bytes, got ${bytes - 1}`);
      });

      it(`accepts an ${alg} secret of exactly ${bytes} bytes`, () => {
        expect(() => koaJwt({ keys: { algorithm: alg, secret: secretOf(bytes) }, users })).not.to.throw();
      });
    }

    it('names the list index of a short secret', () => {
      const err = configErrorOf({ keys: { secret: [SECRET, 'short'] }, users });
      expect(err.path).to.equal('keys.secret[1]');
    });

    it('names the kid of a short secret', () => {
      const err = configErrorOf({ keys: { secret: { a: SECRET, b: 'short' } }, users });
      expect(err.path).to.equal('keys.secret.b');
    });

    it('refuses a kid with a space, naming it', () => {
      const err = configErrorOf({ keys: { secret: { 'my key': SECRET } }, users });
      expect(err.path).to.equal('keys.secret.my key');
      expect(err.message).to.contain('kid');
    });

    it('refuses an empty list of secrets', () => {
      expect(configErrorOf({ keys: { secret: [] }, users }).path).to.equal('keys.secret');
    });

    it('refuses a number as a secret', () => {
      const err = configErrorOf({ keys: { secret: 5 }, users });
      expect(err.path).to.equal('keys.secret');
      expect(err.message).to.contain('key material');
    });

    it('refuses a PEM given as a secret', () => {
      const err = configErrorOf({ keys: { secret: keyPair('rsa').privatePem }, users });
      expect(err.path).to.equal('keys.secret');
      expect(err.message).to.contain('PEM');
    });

    it('refuses a PEM Buffer given as a secret', () => {
      const err = configErrorOf({ keys: { secret: Buffer.from(keyPair('rsa').publicPem) }, users });
      expect(err.path).to.equal('keys.secret');
      expect(err.message).to.contain('PEM');
    });

    it('refuses a private KeyObject given as a secret', () => {
      const err = configErrorOf({ keys: { secret: keyPair('rsa').privateKey }, users });
      expect(err.path).to.equal('keys.secret');
      expect(err.message).to.contain('private key');
    });

    it('refuses a private key given where HS256 needs a secret', () => {
      const err = configErrorOf({ keys: { algorithm: 'HS256', privateKey: keyPair('rsa').privatePem }, users });
      expect(err.path).to.equal('keys.privateKey');
      expect(err.message).to.contain('shared secret');
    });

    it('refuses a private key next to a secret when no algorithm takes it', () => {
      const err = configErrorOf({ keys: { algorithm: 'HS256', secret: SECRET, privateKey: keyPair('rsa').privatePem }, users });
      expect(err.path).to.equal('keys.privateKey');
      expect(err.message).to.contain('HS256');
    });
  });

  describe('asymmetric keys', () => {
    it('refuses an RSA key under 2048 bits', () => {
      const err = configErrorOf({ keys: { algorithm: 'RS256', privateKey: keyPair('rsa1024').privatePem }, users });
      expect(err.path).to.equal('keys.privateKey');
      expect(err.message).to.equal('keys.privateKey: RS256 needs an RSA key of at least 2048 bits, got 1024');
    });

    it('refuses an RSA public key under 2048 bits', () => {
      const err = configErrorOf({ keys: { algorithm: 'RS256', publicKey: keyPair('rsa1024').publicPem } });
      expect(err.path).to.equal('keys.publicKey');
      expect(err.message).to.contain('2048 bits');
    });

    it('refuses a secret given for RS256', () => {
      const err = configErrorOf({ keys: { algorithm: 'RS256', secret: SECRET }, users });
      expect(err.path).to.equal('keys.secret');
      expect(err.message).to.contain('HS*');
    });

    it('refuses RS256 without any key', () => {
      const err = configErrorOf({ keys: { algorithm: 'RS256' }, users });
      expect(err.path).to.equal('keys.privateKey');
    });

    it('refuses an EC key of the wrong curve for the algorithm', () => {
      const err = configErrorOf({ keys: { algorithm: 'ES256', privateKey: keyPair('P-384').privatePem }, users });
      expect(err.path).to.equal('keys.privateKey');
      expect(err.message).to.contain('secp384r1');
    });

    it('refuses text that is not a PEM as a private key', () => {
      const err = configErrorOf({ keys: { algorithm: 'RS256', privateKey: 'not a key at all' }, users });
      expect(err.path).to.equal('keys.privateKey');
      expect(err.message).to.contain('not a PEM');
    });

    it('refuses a public key given as the private key', () => {
      const err = configErrorOf({ keys: { algorithm: 'RS256', privateKey: keyPair('rsa').publicPem }, users });
      expect(err.path).to.equal('keys.privateKey');
      expect(err.message).to.contain('public key');
    });
  });

  describe('users', () => {
    it('is required when the service issues tokens', () => {
      const err = configErrorOf({ keys: { secret: SECRET } });
      expect(err.path).to.equal('users');
      expect(err.message).to.contain('memoryUsers');
    });

    it('refuses an object that is not a UserProvider', () => {
      const err = configErrorOf({ keys: { secret: SECRET }, users: { findById() {} } });
      expect(err.path).to.equal('users');
    });

    it('may be omitted by a verify-only service with public keys only', () => {
      const auth = koaJwt({ keys: { algorithm: 'RS256', publicKey: keyPair('rsa').publicPem } });
      expect(internalsOf(auth).config.userLookup).to.equal('token');
      expect(internalsOf(auth).keyring.signingKey()).to.equal(undefined);
    });

    it('may be omitted by a verify-only service with keys.jwksUri', async () => {
      // Building the remote key source makes no request: nothing is fetched until a token comes.
      const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: 'https://issuer.invalid/.well-known/jwks.json' } });
      expect(internalsOf(auth).config.keys.jwksUri).to.equal('https://issuer.invalid/.well-known/jwks.json');
      await auth.close();
    });

    it('refuses users beside local keys that only verify, naming keys.publicKey (every login would be a 503)', () => {
      for (const keys of [
        { algorithm: 'ES256', publicKey: keyPair('P-256').publicPem },
        { algorithm: 'RS256', publicKey: { k1: keyPair('rsa').publicPem } },
        { algorithm: ['RS256', 'HS256'], publicKey: [keyPair('rsa').publicPem] },
      ]) {
        const err = configErrorOf({ keys, users });
        expect(err.path).to.equal('keys.publicKey');
        expect(err.message).to.match(/users are given, so this service issues tokens, but no key can sign/);
      }
    });

    it('refuses users beside a key directory of public keys only, naming keys.dir (keys.publicKey when some are configured)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-keys-'));
      try {
        writeFileSync(join(dir, 'c.pem'), keyPair('P-256', 'c').publicPem);
        writeManifest(dir, { keys: [{ kid: 'c', alg: 'ES256', state: 'active', file: 'c.pem' }] as ManifestEntry[] });
        expect(configErrorOf({ keys: { algorithm: 'ES256', dir }, users }).path).to.equal('keys.dir');
        expect(configErrorOf({ keys: { algorithm: 'ES256', dir, publicKey: { d: keyPair('P-256', 'd').publicPem } }, users }).path).to.equal('keys.publicKey');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('takes users beside keys.jwksUri: they look up the users of another issuer\'s tokens', async () => {
      const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: 'https://issuer.invalid/.well-known/jwks.json' }, users });
      expect(internalsOf(auth).config.userLookup).to.equal('provider');
      await auth.close();
    });

    it('takes users beside a public key when per-user secrets sign (userSecrets)', async () => {
      const auth = koaJwt({ keys: { algorithm: ['HS256', 'RS256'], publicKey: keyPair('rsa').publicPem }, users, userSecrets: () => SECRET, store: memoryStore() });
      const { token } = await auth.issue({ id: '1', username: 'alice' });
      expect((await auth.verify(token)).user_id).to.equal('1');
      await auth.close();
    });

    it("refuses userLookup 'provider' without users", () => {
      const err = configErrorOf({ keys: { algorithm: 'RS256', publicKey: keyPair('rsa').publicPem }, userLookup: 'provider' });
      expect(err.path).to.equal('userLookup');
    });
  });

  describe('option names', () => {
    it('refuses an unknown top-level option', () => {
      const err = configErrorOf({ keys: { secret: SECRET }, users, expiresIn: '5m' });
      expect(err.path).to.equal('expiresIn');
      expect(err.message).to.equal('expiresIn: unknown option');
    });

    it('refuses an unknown nested option (token.expiresin)', () => {
      const err = configErrorOf({ keys: { secret: SECRET }, users, token: { expiresin: '5m' } });
      expect(err.path).to.equal('token.expiresin');
      expect(err.message).to.equal('token.expiresin: unknown option');
    });

    it('refuses an unknown option two levels down', () => {
      const err = configErrorOf({ keys: { secret: SECRET }, users, refresh: { pair: { rotat: true } } });
      expect(err.path).to.equal('refresh.pair.rotat');
    });

    it('refuses a wrong enum value, listing the accepted ones', () => {
      const err = configErrorOf({ keys: { secret: SECRET }, users, token: { tokenId: 'maybe' } });
      expect(err.path).to.equal('token.tokenId');
      expect(err.message).to.contain('"require"');
    });

    it('refuses a config that is not an object', () => {
      expect(configErrorOf(null).path).to.equal('config');
    });
  });

  describe('durations', () => {
    const bad: Array<[string, Record<string, unknown>, string]> = [
      ['a word', { token: { expiresIn: 'soon' } }, 'token.expiresIn'],
      ['a negative number', { token: { expiresIn: -5 } }, 'token.expiresIn'],
      ['zero lifetime', { token: { expiresIn: 0 } }, 'token.expiresIn'],
      ['an object', { refresh: { expiresIn: {} } }, 'refresh.expiresIn'],
      ['a negative leeway string', { token: { leeway: '-5s' } }, 'token.leeway'],
      ['Infinity', { jwks: { maxAge: Infinity } }, 'jwks.maxAge'],
    ];
    for (const [what, section, path] of bad) {
      it(`refuses ${what} at ${path}`, () => {
        const err = configErrorOf({ keys: { secret: SECRET }, users, ...section });
        expect(err.path).to.equal(path);
      });
    }
  });

  describe('cookies', () => {
    const bad: Array<[string, unknown, string]> = [
      ['an empty name', '', 'cookie'],
      ['a name with a space', 'my token', 'cookie'],
      ['a name with "="', { name: 'a=b' }, 'cookie.name'],
      ['an unknown sameSite', { name: 'jwt', sameSite: 'sometimes' }, 'cookie.sameSite'],
      ['a domain with a space', { name: 'jwt', domain: 'a b.example' }, 'cookie.domain'],
      ['a path with ";"', { name: 'jwt', path: '/a;b' }, 'cookie.path'],
      ['a non-boolean httpOnly', { name: 'jwt', httpOnly: 'yes' }, 'cookie.httpOnly'],
      ['an unknown option', { name: 'jwt', maxAge: 5 }, 'cookie.maxAge'],
      ["sameSite 'none' without secure", { name: 'jwt', sameSite: 'none', secure: false }, 'cookie.secure'],
      ['a number', 5, 'cookie'],
    ];
    for (const [what, cookie, path] of bad) {
      it(`refuses ${what}`, () => {
        const err = configErrorOf({ keys: { secret: SECRET }, users, cookie });
        expect(err.path).to.equal(path);
      });
    }

    it('names the impersonation cookie path', () => {
      expect(configErrorOf({ keys: { secret: SECRET }, users, impersonation: { cookie: 'a;b' } }).path).to.equal('impersonation.cookie');
    });

    it('resolves a name to HttpOnly, SameSite=Lax, path /', () => {
      const auth = koaJwt({ keys: { secret: SECRET }, users, cookie: 'jwt' });
      expect(internalsOf(auth).config.cookie).to.deep.include({ name: 'jwt', httpOnly: true, sameSite: 'lax', path: '/' });
    });

    it("makes a sameSite 'none' cookie secure", () => {
      const auth = koaJwt({ keys: { secret: SECRET }, users, cookie: { name: 'jwt', sameSite: 'none' } });
      expect(internalsOf(auth).config.cookie).to.deep.include({ secure: true, sameSite: 'none' });
    });
  });

  describe('userSecrets', () => {
    it('refuses userSecrets with RS256', () => {
      const err = configErrorOf({ keys: { algorithm: 'RS256', privateKey: keyPair('rsa').privatePem }, users, userSecrets: true });
      expect(err.path).to.equal('userSecrets');
      expect(err.message).to.contain('RS256');
    });

    it('refuses a userSecrets that is neither a boolean nor a function', () => {
      expect(configErrorOf({ keys: { secret: SECRET }, users, userSecrets: 'yes' }).path).to.equal('userSecrets');
    });
  });
  describe('HTTP tokens (RFC 9110 tchar): a cookie name, the CSRF header, the auth scheme', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['refresh.cookie', { refresh: { pair: true, cookie: 'refresh token' } }, /expected a cookie name/],
      ['refresh.csrf.header', { refresh: { csrf: { header: 'x-csrf:token' } } }, /expected an HTTP header name/],
      ['header.prefix', { header: { prefix: 'Bear er' } }, /expected an HTTP auth scheme token/],
    ];
    for (const [path, config, message] of cases) {
      it(`refuses a space or a separator in ${path}, naming the path`, () => {
        const err = configErrorOf({ keys: { secret: SECRET }, users, ...config });
        expect(err.path).to.equal(path);
        expect(err.message).to.match(message);
      });
    }

    it('accepts every tchar', () => {
      const tchars = "!#$%&'*+-.^_`|~09AZaz";
      const auth = koaJwt({ keys: { secret: SECRET }, users, header: { prefix: tchars }, refresh: { csrf: { header: tchars } } });
      expect(internalsOf(auth).config.header.prefix).to.equal(tchars);
      void auth.close();
    });
  });
});
