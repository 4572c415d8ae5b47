import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { cookiesOf, flakyStore, listen } from '../helpers/pair-fixture.js';
import { buildApp, testConfig } from '../helpers/app.js';
import { decode } from '../helpers/tokens.js';

type Served = Awaited<ReturnType<typeof listen>>;
const ALICE = { username: 'alice', password: 'alice-password' };

describe('refresh route in pair mode (POST /token/refresh { refresh })', () => {
  let served: Served | undefined;
  afterEach(async () => { await served?.close(); served = undefined; });
  async function serve(overrides: KoaJwtConfig, setup?: (app: Koa) => void): Promise<Served['request']> {
    const { app } = buildApp(overrides);
    setup?.(app as unknown as Koa);
    served = await listen(app);
    return served.request;
  }
  const login = async (request: Served['request']) => (await request.post('/auth/token').send(ALICE).expect(201)).body as { token: string; refresh: string };

  describe('with the refresh token in the body', () => {
    it('obtain answers 201 { token, refresh }: an access token and a refresh token', async () => {
      const request = await serve({ refresh: { pair: true } });
      const res = await request.post('/auth/token').send(ALICE).expect(201);
      expect(res.body).to.have.keys('token', 'refresh');
      expect(decode(res.body.token).payload.token_type).to.equal('access');
      expect(decode(res.body.refresh).payload.token_type).to.equal('refresh');
      expect(res.headers['cache-control']).to.equal('no-store');
    });

    it('the middleware refuses a refresh token as a bearer token (401 token_invalid)', async () => {
      const request = await serve({ refresh: { pair: true } });
      const { token, refresh } = await login(request);
      const res = await request.get('/me').set('Authorization', `Bearer ${refresh}`).expect(401);
      expect(res.body.error).to.equal('token_invalid');
      expect(res.body.error_description).to.match(/refresh token was presented/);
      expect(res.headers['www-authenticate']).to.match(/error="invalid_token"/);
      await request.get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    });

    it('the verify route refuses a refresh token (401 token_invalid)', async () => {
      const request = await serve({ refresh: { pair: true } });
      const { refresh } = await login(request);
      const res = await request.post('/auth/token/verify').send({ token: refresh }).expect(401);
      expect(res.body.error).to.equal('token_invalid');
    });

    it('refuses an access token at the refresh route (401 token_invalid, says an access token was presented)', async () => {
      const request = await serve({ refresh: { pair: true } });
      const { token } = await login(request);
      const res = await request.post('/auth/token/refresh').send({ refresh: token }).expect(401);
      expect(res.body.error).to.equal('token_invalid');
      expect(res.body.error_description).to.match(/access token was presented/);
    });

    it('asks for the refresh field when it is missing (400 invalid_request)', async () => {
      const request = await serve({ refresh: { pair: true } });
      const { token } = await login(request);
      const res = await request.post('/auth/token/refresh').send({ token }).expect(400);
      expect(res.body.error).to.equal('invalid_request');
      expect(res.body.fields).to.have.key('refresh');
    });

    it('answers 201 with a new access token and the next refresh token of the family', async () => {
      const request = await serve({ refresh: { pair: true } });
      const first = await login(request);
      const res = await request.post('/auth/token/refresh').send({ refresh: first.refresh }).expect(201);
      expect(res.body).to.have.keys('token', 'refresh');
      expect(decode(res.body.refresh).payload.orig_jti).to.equal(decode(first.refresh).payload.jti);
      await request.get('/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    });

    it('answers 401 token_reused to a consumed refresh token, and the family is dead after it', async () => {
      const request = await serve({ refresh: { pair: true } });
      const first = await login(request);
      const second = (await request.post('/auth/token/refresh').send({ refresh: first.refresh }).expect(201)).body;
      const reuse = await request.post('/auth/token/refresh').send({ refresh: first.refresh }).expect(401);
      expect(reuse.body.error).to.equal('token_reused');
      await request.post('/auth/token/refresh').send({ refresh: second.refresh }).expect(401);
      const me = await request.get('/me').set('Authorization', `Bearer ${second.token}`).expect(401);
      expect(me.body.error).to.equal('token_revoked');
    });

    it('gives exactly one 201 to ten concurrent refreshes with one token', async () => {
      const request = await serve({ refresh: { pair: true } });
      const { refresh } = await login(request);
      const answers = await Promise.all(Array.from({ length: 10 }, () => request.post('/auth/token/refresh').send({ refresh })));
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).to.have.length(1);
      expect(statuses.filter((s) => s === 401)).to.have.length(9);
    });

    it('answers 503 with Retry-After and no tokens when the store does not answer', async () => {
      // Not shorter: the same timeout bounds the user provider, and login hashes a password (scrypt).
      const { store, fail } = flakyStore(1000);
      const request = await serve({ refresh: { pair: true, cookie: 'refresh_token' }, store });
      const first = await request.post('/auth/token').send(ALICE).expect(201);
      const cookie = cookiesOf(first);
      fail('hang');
      const res = await request.post('/auth/token/refresh').send({ refresh: cookie.get('refresh_token')!.value }).expect(503);
      expect(res.headers['retry-after']).to.match(/^\d+$/);
      expect(res.body.error).to.equal('temporarily_unavailable');
      expect(res.body).to.not.have.any.keys('token', 'refresh');
      expect(res.headers['set-cookie']).to.equal(undefined);
      const obtain = await request.post('/auth/token').send(ALICE).expect(503);
      expect(obtain.body).to.not.have.any.keys('token', 'refresh');
      expect(obtain.headers['set-cookie']).to.equal(undefined);
    });

    it('without rotate answers { token } only', async () => {
      const request = await serve({ refresh: { pair: { rotate: false } } });
      const { refresh } = await login(request);
      const res = await request.post('/auth/token/refresh').send({ refresh }).expect(201);
      expect(res.body).to.have.keys('token');
      await request.post('/auth/token/refresh').send({ refresh }).expect(201);
    });

    it('keeps single-token mode as it was: { token } refreshes { token }', async () => {
      const request = await serve({});
      const { body } = await request.post('/auth/token').send(ALICE).expect(201);
      expect(body).to.have.keys('token');
      const res = await request.post('/auth/token/refresh').send({ token: body.token }).expect(201);
      expect(decode(res.body.token).payload).to.not.have.property('token_type');
    });
  });

  describe('with the refresh token in an HttpOnly cookie (refresh.cookie)', () => {
    const refreshCookie = (res: { headers: Record<string, unknown> }) => cookiesOf(res).get('refresh_token');
    const csrfCookie = (res: { headers: Record<string, unknown> }) => cookiesOf(res).get('refresh_token_csrf');
    const cookieHeader = (refresh: string, csrf: string) => `refresh_token=${refresh}; refresh_token_csrf=${csrf}`;

    it('obtain sets the refresh cookie, HttpOnly and scoped to the refresh route, and keeps the refresh token out of the body', async () => {
      const request = await serve({ refresh: { pair: true, cookie: 'refresh_token' } });
      const res = await request.post('/auth/token').send(ALICE).expect(201);
      expect(res.body).to.have.keys('token');
      const cookie = refreshCookie(res)!;
      expect(decode(cookie.value).payload.token_type).to.equal('refresh');
      expect(cookie.attributes).to.include('httponly').and.include('path=/auth/token/refresh').and.include('samesite=lax').and.include('expires=');
      const csrf = csrfCookie(res)!;
      expect(csrf.value).to.match(/^[\w-]{43}$/);
      expect(csrf.attributes).to.include('path=/').and.not.include('httponly');
    });

    it('scopes the cookie to the refresh route wherever the router is mounted', async () => {
      const auth = koaJwt(testConfig({ refresh: { pair: true, cookie: 'refresh_token' } }));
      const app = new Koa();
      const outer = new Router();
      outer.use('/api/v1', auth.router().routes());
      app.use(outer.routes());
      served = await listen(app);
      const res = await served.request.post('/api/v1/token').send(ALICE).expect(201);
      expect(refreshCookie(res)!.attributes).to.include('path=/api/v1/token/refresh');
    });

    it('uses refresh.cookie.path, SameSite and Secure when given', async () => {
      const request = await serve({ refresh: { pair: true, cookie: { name: 'refresh_token', path: '/', sameSite: 'strict', secure: true } } }, (app) => { app.proxy = true; });
      const res = await request.post('/auth/token').set('X-Forwarded-Proto', 'https').send(ALICE).expect(201);
      expect(refreshCookie(res)!.attributes).to.include('path=/;').and.include('samesite=strict').and.include('secure');
    });

    it('refreshes from the cookie when the CSRF header echoes the CSRF cookie, and rotates the cookie', async () => {
      const request = await serve({ refresh: { pair: true, cookie: 'refresh_token' } });
      const first = await request.post('/auth/token').send(ALICE).expect(201);
      const csrf = csrfCookie(first)!.value;
      const res = await request.post('/auth/token/refresh')
        .set('Cookie', cookieHeader(refreshCookie(first)!.value, csrf)).set('X-CSRF-Token', csrf).expect(201);
      expect(res.body).to.have.keys('token');
      const next = refreshCookie(res)!;
      expect(decode(next.value).payload.orig_jti).to.equal(decode(refreshCookie(first)!.value).payload.jti);
      expect(next.attributes).to.include('path=/auth/token/refresh');
      // The CSRF value stays: other tabs that read it earlier keep working.
      expect(csrfCookie(res)!.value).to.equal(csrf);
    });

    it('refuses a refresh from the cookie without the CSRF header (403 forbidden, names CSRF) and consumes nothing', async () => {
      const request = await serve({ refresh: { pair: true, cookie: 'refresh_token' } });
      const first = await request.post('/auth/token').send(ALICE).expect(201);
      const csrf = csrfCookie(first)!.value;
      const cookies = cookieHeader(refreshCookie(first)!.value, csrf);
      const res = await request.post('/auth/token/refresh').set('Cookie', cookies).expect(403);
      expect(res.body.error).to.equal('forbidden');
      expect(res.body.error_description).to.match(/CSRF/);
      expect(res.headers['set-cookie']).to.equal(undefined);
      await request.post('/auth/token/refresh').set('Cookie', cookies).set('X-CSRF-Token', csrf).expect(201);
    });

    it('refuses a CSRF header that does not match the CSRF cookie (403)', async () => {
      const request = await serve({ refresh: { pair: true, cookie: 'refresh_token' } });
      const first = await request.post('/auth/token').send(ALICE).expect(201);
      const res = await request.post('/auth/token/refresh')
        .set('Cookie', cookieHeader(refreshCookie(first)!.value, csrfCookie(first)!.value)).set('X-CSRF-Token', 'guessed').expect(403);
      expect(res.body.error_description).to.match(/CSRF/);
    });

    it('reads the CSRF header named by refresh.csrf.header', async () => {
      const request = await serve({ refresh: { pair: true, cookie: 'refresh_token', csrf: { header: 'x-xsrf' } } });
      const first = await request.post('/auth/token').send(ALICE).expect(201);
      const csrf = csrfCookie(first)!.value;
      const cookies = cookieHeader(refreshCookie(first)!.value, csrf);
      await request.post('/auth/token/refresh').set('Cookie', cookies).set('X-CSRF-Token', csrf).expect(403);
      await request.post('/auth/token/refresh').set('Cookie', cookies).set('X-XSRF', csrf).expect(201);
    });

    describe('with an Origin allow-list (refresh.csrf.origins)', () => {
      const config: KoaJwtConfig = { refresh: { pair: true, cookie: 'refresh_token', csrf: { origins: ['https://app.localhost'] } } };
      async function attempt(headers: Record<string, string>, status: number) {
        const request = await serve(config);
        const first = await request.post('/auth/token').send(ALICE).expect(201);
        const csrf = csrfCookie(first)!.value;
        const req = request.post('/auth/token/refresh').set('Cookie', cookieHeader(refreshCookie(first)!.value, csrf)).set('X-CSRF-Token', csrf);
        for (const [name, value] of Object.entries(headers)) req.set(name, value);
        return req.expect(status);
      }

      it('refreshes from a listed Origin', async () => {
        await attempt({ Origin: 'https://app.localhost' }, 201);
      });

      it('falls back to the Referer when there is no Origin', async () => {
        await attempt({ Referer: 'https://app.localhost/account?tab=1' }, 201);
      });

      it('refuses an unlisted Origin (403, names CSRF and the origin)', async () => {
        const res = await attempt({ Origin: 'https://evil.localhost' }, 403);
        expect(res.body.error).to.equal('forbidden');
        expect(res.body.error_description).to.match(/CSRF/).and.match(/evil\.localhost/);
      });

      it('refuses a request with neither Origin nor Referer (403)', async () => {
        const res = await attempt({}, 403);
        expect(res.body.error_description).to.match(/CSRF/).and.contain('a request without Origin or Referer may not call');
      });
    });

    it('needs no CSRF header when the client sends the refresh token in the body itself', async () => {
      const request = await serve({ refresh: { pair: true, cookie: 'refresh_token', csrf: { origins: ['https://app.localhost'] } } });
      const first = await request.post('/auth/token').send(ALICE).expect(201);
      const res = await request.post('/auth/token/refresh').send({ refresh: refreshCookie(first)!.value }).expect(201);
      expect(refreshCookie(res)).to.not.equal(undefined);
    });

    it('logout (blacklist with the caller\'s own access token) revokes the family and clears the refresh cookies', async () => {
      const request = await serve({ refresh: { pair: true, cookie: 'refresh_token' } });
      const first = await request.post('/auth/token').send(ALICE).expect(201);
      const csrf = csrfCookie(first)!.value;
      const cookies = cookieHeader(refreshCookie(first)!.value, csrf);
      const out = await request.post('/auth/token/blacklist').set('Authorization', `Bearer ${first.body.token}`).expect(201);
      expect(refreshCookie(out)!.value).to.equal('');
      expect(refreshCookie(out)!.attributes).to.include('path=/auth/token/refresh').and.include('expires=thu, 01 jan 1970');
      expect(csrfCookie(out)!.value).to.equal('');
      const res = await request.post('/auth/token/refresh').set('Cookie', cookies).set('X-CSRF-Token', csrf).expect(401);
      expect(res.body.error).to.equal('token_revoked');
    });

    it('answers token_reused to a consumed cookie and clears the cookie', async () => {
      const request = await serve({ refresh: { pair: true, cookie: 'refresh_token' } });
      const first = await request.post('/auth/token').send(ALICE).expect(201);
      const csrf = csrfCookie(first)!.value;
      const cookies = cookieHeader(refreshCookie(first)!.value, csrf);
      await request.post('/auth/token/refresh').set('Cookie', cookies).set('X-CSRF-Token', csrf).expect(201);
      const res = await request.post('/auth/token/refresh').set('Cookie', cookies).set('X-CSRF-Token', csrf).expect(401);
      expect(res.body.error).to.equal('token_reused');
      const cleared = refreshCookie(res)!;
      expect(cleared.value).to.equal('');
      expect(cleared.attributes).to.include('path=/auth/token/refresh').and.include('expires=thu, 01 jan 1970');
    });

    it('keeps the cookie when the store cannot answer (503): an outage logs nobody out', async () => {
      const flaky = flakyStore();
      const request = await serve({ refresh: { pair: true, cookie: 'refresh_token' }, store: flaky.store });
      const first = await request.post('/auth/token').send(ALICE).expect(201);
      const csrf = csrfCookie(first)!.value;
      const cookies = cookieHeader(refreshCookie(first)!.value, csrf);
      flaky.fail('reject', 'consume');
      const res = await request.post('/auth/token/refresh').set('Cookie', cookies).set('X-CSRF-Token', csrf).expect(503);
      expect(res.body.error).to.equal('temporarily_unavailable');
      expect(refreshCookie(res), 'no Set-Cookie for the refresh cookie').to.equal(undefined);
      flaky.fail(false);
      await request.post('/auth/token/refresh').set('Cookie', cookies).set('X-CSRF-Token', csrf).expect(201);
    });
  });
});

