import { createSecretKey } from 'node:crypto';
import { expect } from 'chai';
import type { Response } from 'supertest';
import { cookiesOf } from '../helpers/pair-fixture.js';
import { csrfValue } from '../../lib/routes/csrf.js';
import { buildApp } from '../helpers/app.js';
import { expectError } from './attack-kit.js';

// The refresh cookie is sent by the browser to a cross-site POST too, so a refresh from it also
// needs the CSRF header to carry the value of the readable `<name>_csrf` cookie. If that value
// were a free random string, an attacker able to plant cookies (a sibling subdomain, a network
// attacker on plain http) would plant `refresh_token_csrf=X` and send `X-CSRF-Token: X`. It is
// OWASP's signed double-submit instead: an HMAC of the refresh family under a server key,
// compared with the header in constant time, whatever the cookie says.

const VICTIM = { username: 'alice', password: 'alice-password' };
const ATTACKER = { username: 'root', password: 'root-password' };

describe('attack: a planted or guessed CSRF value for the refresh cookie (double-submit)', function () {
  const app = buildApp({ refresh: { pair: true, cookie: 'refresh_token', csrf: { secret: 'csrf-key-of-this-spec-0123456789abcdef' } } });

  async function session(credentials: typeof VICTIM): Promise<{ refresh: string; csrf: string }> {
    const res = await app.request.post('/auth/token').send(credentials).expect(201);
    const cookies = cookiesOf(res);
    return { refresh: cookies.get('refresh_token')!.value, csrf: cookies.get('refresh_token_csrf')!.value };
  }

  /** A refresh from the cookie with this CSRF cookie and header, as the browser would send it. */
  const refreshWith = (refresh: string, csrfCookie: string, header: string) => app.request.post('/auth/token/refresh')
    .set('Cookie', `refresh_token=${refresh}; refresh_token_csrf=${csrfCookie}`).set('X-CSRF-Token', header);

  function expectCsrfRefused(res: Response): void {
    expectError(res, 403, 'forbidden');
    expect(res.body.error_description).to.match(/CSRF/);
    expect(res.body).to.not.have.any.keys('token', 'refresh');
    expect(res.headers['set-cookie']).to.equal(undefined);
  }

  it('refuses a planted CSRF cookie with a matching header', async function () {
    const victim = await session(VICTIM);
    const planted = 'A'.repeat(victim.csrf.length);
    expectCsrfRefused(await refreshWith(victim.refresh, planted, planted));
  });

  it('refuses the attacker\'s own valid CSRF value: it is bound to the attacker\'s session, not the victim\'s', async function () {
    const victim = await session(VICTIM);
    const attacker = await session(ATTACKER);
    expect(attacker.csrf).to.have.length(victim.csrf.length);
    expectCsrfRefused(await refreshWith(victim.refresh, attacker.csrf, attacker.csrf));
  });

  it('refuses a guess of the same length as the real value that differs in one character', async function () {
    const victim = await session(VICTIM);
    const last = victim.csrf.at(-1) === 'A' ? 'B' : 'A';
    const guess = `${victim.csrf.slice(0, -1)}${last}`;
    expect(guess).to.have.length(victim.csrf.length).and.not.equal(victim.csrf);
    expectCsrfRefused(await refreshWith(victim.refresh, victim.csrf, guess));
  });

  it('refuses a value signed with another key (another service\'s CSRF secret)', async function () {
    const victim = await session(VICTIM);
    // The same family id signed under the other key: what the other service would have delivered.
    const family = JSON.parse(Buffer.from(victim.refresh.split('.')[1]!, 'base64url').toString()).jti as string;
    const forged = csrfValue(createSecretKey(Buffer.from('another-services-key-0123456789abcdef')), family);
    expect(forged).to.not.equal(victim.csrf);
    expectCsrfRefused(await refreshWith(victim.refresh, forged, forged));
  });

  it('refuses a refresh cookie that names no family (no payload, not JSON, not an object, no jti): 403, never a 500', async function () {
    const part = (json: string) => Buffer.from(json).toString('base64url');
    const cookies = ['no-dots', `${part('{}')}.${part('not json')}.sig`, ...['null', '[1]', '7', '"jti"', '{"jti":""}', '{"jti":5}'].map((json) => `${part('{}')}.${part(json)}.sig`)];
    for (const refresh of cookies) expectCsrfRefused(await refreshWith(refresh, 'planted', 'planted'));
  });

  it('accepts the session\'s own value in the header, whatever was planted in the cookie', async function () {
    const victim = await session(VICTIM);
    const res = await refreshWith(victim.refresh, 'planted', victim.csrf).expect(201);
    expect(res.body).to.have.keys('token');
    // The rotated refresh token is of the same family: the value the page holds stays valid.
    expect(cookiesOf(res).get('refresh_token_csrf')!.value).to.equal(victim.csrf);
  });
});
