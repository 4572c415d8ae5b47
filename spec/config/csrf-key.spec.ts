import { expect } from 'chai';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { csrfValue } from '../../lib/routes/csrf.js';
import { testConfig, testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { keyPair } from '../helpers/keys.js';
import { internalsOf } from '../../lib/internals.js';

describe('config: refresh.csrf', () => {
  const cookieConfig = (extra: KoaJwtConfig = {}): KoaJwtConfig => testConfig({ refresh: { pair: true, cookie: 'refresh_token' }, ...extra });
  const valueOf = (config: KoaJwtConfig): string => {
    const auth = koaJwt(config);
    void auth.close();
    return csrfValue(internalsOf(auth).config.refresh.csrf.key!, 'family-1');
  };

  it('derives the CSRF key from the signing key: two instances with the same keys agree, another key disagrees', () => {
    expect(valueOf(cookieConfig())).to.equal(valueOf(cookieConfig()));
    expect(valueOf(cookieConfig())).to.not.equal(valueOf({ ...cookieConfig(), keys: { secret: 'another-secret-of-at-least-32-bytes-0123' } }));
  });

  it('uses refresh.csrf.secret when given, whatever the signing key', () => {
    const csrf = { secret: 'a-csrf-secret-of-at-least-32-bytes-0123456' };
    const a = valueOf({ ...cookieConfig(), refresh: { pair: true, cookie: 'refresh_token', csrf } });
    const b = valueOf({ ...cookieConfig(), keys: { secret: 'another-secret-of-at-least-32-bytes-0123' }, refresh: { pair: true, cookie: 'refresh_token', csrf } });
    expect(a).to.equal(b);
    expect(a).to.not.equal(valueOf(cookieConfig()));
  });

  it('refuses a refresh.csrf.secret shorter than 32 bytes, and says how to make one', () => {
    const error = configErrorOf(testConfig({ refresh: { pair: true, cookie: 'refresh_token', csrf: { secret: 'short' } } }));
    expect(error.path).to.equal('refresh.csrf.secret');
    expect(error.message).to.match(/32 bytes, got 5/).and.match(/openssl rand/);
  });

  it('asks for refresh.csrf.secret when no configured key can sign (managed rotation only)', () => {
    const error = configErrorOf({
      keys: { algorithm: 'ES256', rotation: { every: '30d' } }, users: testUsers(), refresh: { pair: true, cookie: 'refresh_token' },
    });
    expect(error.path).to.equal('refresh.csrf.secret');
  });

  it('refuses an origin with a path or a trailing slash (it would never equal a browser\'s Origin)', () => {
    expect(configErrorOf(cookieConfig({ refresh: { pair: true, cookie: 'refresh_token', csrf: { origins: ['https://app.example/'] } } })).path)
      .to.equal('refresh.csrf.origins[0]');
  });

  it('derives from a private key as well (ES256)', () => {
    const es = keyPair('P-256');
    const value = valueOf({ keys: { algorithm: 'ES256', privateKey: es.privatePem }, users: testUsers(), refresh: { pair: true, cookie: 'refresh_token' } });
    expect(value).to.match(/^[\w-]{43}$/);
  });
});
