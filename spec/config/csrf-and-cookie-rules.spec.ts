import { expect } from 'chai';
import { loadKeyMaterial } from '../../lib/config/load-keys.js';
import { parseConfig } from '../../lib/config/resolve.js';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import type { JwkObject } from '../../lib/keyring/material.js';
import { buildApp, testConfig, testUsers } from '../helpers/app.js';
import { configErrorOf, DEV } from '../helpers/config.js';
import { SECRET } from '../helpers/keys.js';


/** The CSRF key (raw bytes) that start-up resolves for the config. */
const csrfKeyOf = (config: KoaJwtConfig): Buffer => {
  const key = loadKeyMaterial(parseConfig(config, DEV)).refresh.csrf.key;
  expect(key, 'a CSRF key').to.not.equal(undefined);
  return key!.export();
};

describe('config: refresh.csrf.secret', () => {
  const withCookie = (csrf?: { secret: string }): KoaJwtConfig['refresh'] => ({ pair: true, cookie: 'refresh_token', ...(csrf ? { csrf } : {}) });

  it('names refresh.csrf.secret when its material cannot be read', () => {
    const err = configErrorOf(testConfig({ refresh: withCookie({ secret: 'env:KOA_JWT_KIT_SPEC_CSRF_UNSET' }) }));
    expect(err.path).to.equal('refresh.csrf.secret');
  });

  it('accepts a refresh.csrf.secret of exactly 32 bytes', () => {
    const secret = 'a-csrf-secret-of-32-bytes-012345';
    expect(secret).to.have.length(32);
    expect(csrfKeyOf(testConfig({ refresh: withCookie({ secret }) })).toString()).to.equal(secret);
  });

  it('derives the key from the first configured key that can sign, passing over a verify-only secret', () => {
    const verifyOnly: JwkObject = { kty: 'oct', k: Buffer.from('a-verify-only-secret-of-32-bytes-0123').toString('base64url'), key_ops: ['verify'] };
    const passedOver = csrfKeyOf(testConfig({ keys: { secret: { old: verifyOnly, current: SECRET } }, refresh: withCookie() }));
    expect(passedOver).to.deep.equal(csrfKeyOf(testConfig({ keys: { secret: { current: SECRET } }, refresh: withCookie() })));
  });

  it('asks for refresh.csrf.secret with a refresh cookie and managed rotation alone, saying how long and how to make one', () => {
    const err = configErrorOf({ keys: { algorithm: 'ES256', rotation: { every: '30d' } }, users: testUsers(), refresh: withCookie() });
    expect(err.path).to.equal('refresh.csrf.secret');
    expect(err.message).to.match(/required with refresh\.cookie when no configured key can sign/).and.match(/at least 32 bytes/);
  });
});

describe('config: cookies', () => {
  it('accepts secure: false with SameSite Lax or Strict (plain-HTTP development)', () => {
    for (const sameSite of ['lax', 'strict'] as const) {
      const { cookie } = parseConfig(testConfig({ cookie: { name: 'jwt', secure: false, sameSite } }), DEV);
      expect(cookie && [cookie.sameSite, cookie.secure]).to.deep.equal([sameSite, false]);
    }
  });

  it("refuses SameSite=None without Secure, naming the cookie's own path", () => {
    const none = { name: 'c', sameSite: 'none', secure: false } as const;
    const cases: Array<[KoaJwtConfig, string]> = [
      [{ cookie: none }, 'cookie.secure'],
      [{ refresh: { pair: true, cookie: none } }, 'refresh.cookie.secure'],
      [{ impersonation: { cookie: none } }, 'impersonation.cookie.secure'],
    ];
    for (const [overrides, path] of cases) {
      const err = configErrorOf(testConfig(overrides));
      expect(err.path).to.equal(path);
      expect(err.message).to.equal(`${path}: sameSite 'none' needs secure: true (browsers refuse it otherwise)`);
    }
  });

  it('keeps the domain of a cookie and sets it on the cookie', async () => {
    const { cookie } = parseConfig(testConfig({ cookie: { name: 'jwt', domain: 'example.com' } }), DEV);
    expect(cookie && cookie.domain).to.equal('example.com');

    const { request, auth } = buildApp({ cookie: { name: 'jwt', domain: 'example.com' } });
    try {
      const res = await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' });
      expect(res.status).to.equal(201);
      const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('jwt='));
      expect(set, 'Set-Cookie jwt').to.match(/;\s*domain=example\.com/i);
    } finally {
      await auth.close();
    }
  });
});
