import { expect } from 'chai';
import { parseConfig } from '../../lib/config/resolve.js';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { ConfigError } from '../../lib/errors.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { testUsers } from '../helpers/app.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { configErrorFrom, DEV } from '../helpers/config.js';

// A wrong value stops start-up with one ConfigError whose path is the option as the user wrote
// it (`keys.algorithm[1]`, `throttle.username.window`) and whose message starts with that path.


/** The ConfigError parseConfig throws for `input`; any other error (a TypeError) fails the spec. */
function errorOf(input: unknown): ConfigError {
  const error = configErrorFrom(() => parseConfig(input as KoaJwtConfig, DEV));
  expect(error.message.startsWith(`${error.path}: `), 'the message starts with the path').to.equal(true);
  return error;
}

const withSecret = (config: Record<string, unknown>) => ({ keys: { secret: SECRET }, ...config });

describe('config error paths', () => {
  describe('a config that is not an object', () => {
    for (const input of [null, undefined, 5, 'keys', true]) {
      it(`refuses ${JSON.stringify(input) ?? 'undefined'}, naming config: expected an object`, () => {
        const error = errorOf(input);
        expect(error.path).to.equal('config');
        expect(error.message).to.equal('config: expected an object');
      });
    }

    it('refuses an array, naming config', () => {
      expect(errorOf([{ keys: { secret: SECRET } }]).path).to.equal('config');
    });
  });

  describe('a value that matches no branch of a union', () => {
    it('refuses a userSecrets that is neither, saying what the branch of its own type wanted', () => {
      // 'yes' is no boolean and no function; of the two, the function branch says what is wrong
      // with a value that is not a type error of the other branch.
      const error = errorOf(withSecret({ userSecrets: 'yes' }));
      expect(error.path).to.equal('userSecrets');
      expect(error.message).to.equal('userSecrets: expected a function');
    });

    it('names the option inside the branch the user meant (throttle.username.window)', () => {
      const error = errorOf(withSecret({ throttle: { username: { window: 'soon' } } }));
      expect(error.path).to.equal('throttle.username.window');
      expect(error.message).to.match(/^throttle\.username\.window: expected seconds or a duration/);
    });

    it('names a limit that is neither false nor { limit, window } (throttle.username)', () => {
      const error = errorOf(withSecret({ throttle: { username: 5 } }));
      expect(error.path).to.equal('throttle.username');
      expect(error.message).to.equal('throttle.username: expected false or { limit, window }');
    });

    it('names the option of the pair options (refresh.pair.expiresIn)', () => {
      expect(errorOf(withSecret({ refresh: { pair: { expiresIn: 'soon' } } })).path).to.equal('refresh.pair.expiresIn');
    });

    it('names an option of cookie options (refresh.cookie.domain)', () => {
      expect(errorOf(withSecret({ refresh: { pair: true, cookie: { name: 'rt', domain: 'a b' } } })).path).to.equal('refresh.cookie.domain');
    });

    it('names an unknown option at depth (token.cache.maxSize)', () => {
      const error = errorOf(withSecret({ token: { cache: { maxSize: 5 } } }));
      expect(error.path).to.equal('token.cache.maxSize');
      expect(error.message).to.equal('token.cache.maxSize: unknown option');
    });
  });

  describe('list indexes', () => {
    it('names the index of an unknown algorithm and lists the accepted ones', () => {
      const error = errorOf(withSecret({ keys: { secret: SECRET, algorithm: ['HS256', 'HS999'] } }));
      expect(error.path).to.equal('keys.algorithm[1]');
      expect(error.message).to.contain('unknown algorithm "HS999"; expected one of HS256, HS384, HS512, RS256');
    });

    it('names the index of a null in a list of secrets', () => {
      expect(errorOf({ keys: { secret: [SECRET, null] } }).path).to.equal('keys.secret[1]');
    });

    it('names the index of an object that is no JWK (no kty) in a list of public keys', () => {
      const error = errorOf({ keys: { algorithm: 'RS256', publicKey: [keyPair('rsa').publicPem, { n: 'AQAB' }] } });
      expect(error.path).to.equal('keys.publicKey[1]');
      expect(error.message).to.contain('expected key material');
    });
  });

  describe('a value of the wrong type', () => {
    it('refuses a null secret', () => {
      const error = errorOf({ keys: { secret: null } });
      expect(error.path).to.equal('keys.secret');
      expect(error.message).to.contain('expected key material');
    });

    it('refuses null users', () => {
      const error = errorOf(withSecret({ users: null }));
      expect(error.path).to.equal('users');
      expect(error.message).to.contain('expected a UserProvider');
    });

    it('says what it expected, without the schema library\'s prefix', () => {
      expect(errorOf(withSecret({ token: { maxLength: 'big' } })).message).to.equal('token.maxLength: expected number, received string');
    });

    it('quotes a refused value as it was given, even one that reads like that prefix', () => {
      const error = errorOf(withSecret({ keys: { secret: SECRET, algorithm: 'Invalid input: HS256' } }));
      expect(error.path).to.equal('keys.algorithm');
      expect(error.message).to.match(/^keys\.algorithm: unknown algorithm "Invalid input: HS256"; expected one of /);
    });
  });

  describe('the parsed options', () => {
    it('are frozen, lists included, while the store, the users and a KeyObject secret stay live', () => {
      const store = memoryStore();
      const users = testUsers();
      const { privateKey } = keyPair('rsa');
      const options = parseConfig({ keys: { algorithm: ['RS256', 'HS256'], privateKey }, token: { audience: ['a', 'b'] }, users, store }, DEV);
      expect([options, options.keys, options.token, options.keys.algorithms, options.token.audience].map((o) => Object.isFrozen(o)))
        .to.deep.equal([true, true, true, true, true]);
      expect(options.store).to.equal(store);
      expect(options.users).to.equal(users);
      expect(options.keys.privateKey).to.equal(privateKey);
      expect([store, users, privateKey].map((o) => Object.isFrozen(o))).to.deep.equal([false, false, false]);
    });
  });
});
