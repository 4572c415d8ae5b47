import { expect } from 'chai';
import { parseConfig } from '../../lib/config/resolve.js';
import type { KoaJwtConfig, RotationConfig } from '../../lib/config/types.js';
import { ConfigError } from '../../lib/errors.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { testConfig } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { configErrorFrom, DEV, PROD } from '../helpers/config.js';

// The rules between options (lib/config/rules.ts) and the defaults that depend on several of
// them, read through parseConfig, the pure step: no key is read, so none is needed here.

const DAY = 86400;

const errorOf = (input: KoaJwtConfig, environment = DEV): ConfigError => configErrorFrom(() => parseConfig(input, environment));

/** Managed rotation with timings that pass every check, and `rotation` over them. */
const rotated = (rotation: Partial<RotationConfig> = {}, keys: KoaJwtConfig['keys'] = {}, rest: KoaJwtConfig = {}): KoaJwtConfig => ({
  keys: { ...keys, rotation: { algorithm: 'ES256', every: '30d', publishAhead: '1d', checkEvery: '1h', ...rotation } },
  ...rest,
});

describe('config rules between options', () => {
  describe('pair mode: a refresh token never outlives its family', () => {
    it('accepts refresh.pair.expiresIn equal to refresh.expiresIn, the default when refresh.expiresIn is given', () => {
      expect(parseConfig({ refresh: { expiresIn: '1d', pair: { expiresIn: '1d' } } }, DEV).refresh.pair).to.include({ expiresIn: DAY });
      expect(parseConfig({ refresh: { expiresIn: '7d', pair: true } }, DEV).refresh.pair).to.include({ expiresIn: 7 * DAY });
    });

    it('refuses refresh.pair.expiresIn longer than refresh.expiresIn, naming the family\'s limit', () => {
      const error = errorOf({ refresh: { expiresIn: '1d', pair: { expiresIn: '2d' } } });
      expect(error.path).to.equal('refresh.pair.expiresIn');
      expect(error.message).to.match(/cannot outlive its family \(refresh\.expiresIn, 86400 s\)/);
    });

    // Only a refresh.expiresIn the config writes is a contradiction; the 7-day default family
    // still caps each refresh token when it is issued (its notAfter).
    it('accepts a refresh.pair.expiresIn past the default family when refresh.expiresIn is not given', () => {
      const options = parseConfig({ refresh: { pair: { expiresIn: '30d' } } }, DEV);
      expect([options.refresh.expiresIn, options.refresh.pair && options.refresh.pair.expiresIn]).to.deep.equal([7 * DAY, 30 * DAY]);
    });
  });

  describe('store.timeout', () => {
    for (const timeout of [0, -1, Number.NaN]) {
      it(`refuses a store whose timeout is ${timeout}, naming store.timeout`, () => {
        const error = errorOf({ store: { ...memoryStore(), timeout } });
        expect(error.path).to.equal('store.timeout');
        expect(error.message).to.match(new RegExp(`positive number of milliseconds, got ${timeout}$`));
      });
    }

    it('takes a positive timeout, and 2000 ms without one (the control)', () => {
      expect(parseConfig({ store: { ...memoryStore(), timeout: 150 } }, DEV).storeTimeout).to.equal(150);
      expect(parseConfig({ store: memoryStore() }, DEV).storeTimeout).to.equal(2000);
    });
  });

  describe('token.audience and token.issuer', () => {
    it('become lists when given as one string', () => {
      const options = parseConfig({ token: { audience: 'api', issuer: 'https://issuer.example' } }, DEV);
      expect([options.token.audience, options.token.issuer]).to.deep.equal([['api'], ['https://issuer.example']]);
    });

    it('refuse a token that does not carry the configured audience or issuer', async () => {
      const plain = koaJwt(testConfig());
      const forApi = koaJwt(testConfig({ token: { audience: 'api' } }));
      const ofIssuer = koaJwt(testConfig({ token: { issuer: 'https://issuer.example' } }));
      try {
        const { token } = await plain.issue({ id: '1', username: 'alice' });
        expect((await plain.verify(token)).user_id).to.equal('1');
        await rejectsWithCode(forApi.verify(token), 'token_invalid');
        await rejectsWithCode(ofIssuer.verify(token), 'token_invalid');
      } finally {
        await Promise.all([plain.close(), forApi.close(), ofIssuer.close()]);
      }
    });
  });

  describe('impersonation.cookie', () => {
    it('is resolved like the other cookies: named as given, Secure in production', () => {
      expect(parseConfig({ impersonation: { cookie: 'imp' } }, PROD).impersonation.cookie).to.include({ name: 'imp', secure: true });
    });
  });

  describe('managed rotation (keys.rotation)', () => {
    it('refuses every: 0, naming keys.rotation.every', () => {
      const error = errorOf(rotated({ every: 0 }));
      expect(error.path).to.equal('keys.rotation.every');
      expect(error.message).to.match(/longer than 0 seconds/);
    });

    it('refuses an algorithm that keys.algorithm does not list, listing those it does', () => {
      const error = errorOf(rotated({ algorithm: 'PS256' }, { algorithm: ['ES256', 'RS256'] }));
      expect(error.path).to.equal('keys.rotation.algorithm');
      expect(error.message).to.match(/PS256 is not one of keys\.algorithm \(ES256, RS256\)$/);
    });

    it('refuses an HS* algorithm: a shared secret cannot be published in a JWKS', () => {
      const error = errorOf(rotated({ algorithm: 'HS256' }));
      expect(error.path).to.equal('keys.rotation.algorithm');
      expect(error.message).to.match(/asymmetric keys/);
    });

    it('refuses an algorithm that is listed but not first: managed keys sign', () => {
      const error = errorOf(rotated({ algorithm: 'ES256' }, { algorithm: ['RS256', 'ES256'] }));
      expect(error.path).to.equal('keys.rotation.algorithm');
      expect(error.message).to.match(/ES256 must come first in keys\.algorithm \(RS256, ES256\)$/);
    });

    it('names the value that publishAhead and checkEvery must stay under', () => {
      expect(errorOf(rotated({ every: '1d', publishAhead: '1d' })).message).to.match(/shorter than keys\.rotation\.every \(86400 s\)$/);
      expect(errorOf(rotated({ publishAhead: '1h', checkEvery: '2h' })).message).to.match(/longer than keys\.rotation\.publishAhead \(3600 s\)/);
    });

    it('defaults retireAfter to the longest lifetime (family or token) + leeway + jwks.maxAge', () => {
      const options = parseConfig(rotated({}, {}, { token: { expiresIn: '5m', leeway: 30 }, refresh: { expiresIn: '7d' } }), DEV);
      expect(options.keys.rotation!.retireAfter).to.equal(7 * DAY + 30 + 600);
    });

    it('accepts retireAfter of exactly token.maxLifetime + token.leeway, and refuses one second less', () => {
      const rest = { token: { expiresIn: '2h', leeway: 60 } };
      expect(parseConfig(rotated({ retireAfter: 7260 }, {}, rest), DEV).keys.rotation!.retireAfter).to.equal(7260);
      const error = errorOf(rotated({ retireAfter: 7259 }, {}, rest));
      expect(error.path).to.equal('keys.rotation.retireAfter');
      expect(error.message).to.match(/token\.maxLifetime \+ token\.leeway \(7260 s\)/);
    });
  });
});
