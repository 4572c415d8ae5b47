import { expect } from 'chai';
import type { Response } from 'supertest';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { cookiesOf } from '../helpers/pair-fixture.js';
import { buildApp, type TestApp } from '../helpers/app.js';
import { expectError } from './attack-kit.js';

// Login CSRF: a page on another site posts a form to the login route with the attacker's own
// credentials. The browser follows, stores the answer's cookies, and the victim is now working
// inside the attacker's account. SameSite does not help: it limits which cookies are *sent*, not
// which are *set*. Every route that sets cookies refuses such a request (docs/browser.md, "CSRF
// rules": 403 for a cross-site request that would set cookies), judged by Origin / Sec-Fetch-Site / Referer.

const APP = 'app.localhost:3000';
const OWN = `http://${APP}`;
const EVIL = 'http://evil.localhost:4000';
// The attacker's own account: a login CSRF uses credentials that work.
const ATTACKER = { username: 'alice', password: 'alice-password' };

const PAIR_COOKIE: KoaJwtConfig = { refresh: { pair: true, cookie: 'refresh_token' } };

/** 403 forbidden naming CSRF, and not one cookie set. */
function expectRefusedCrossSite(res: Response): void {
  expectError(res, 403, 'forbidden');
  expect(res.body.error_description).to.match(/CSRF/);
  expect(res.body).to.not.have.any.keys('token', 'refresh');
  expect(res.headers['set-cookie'], 'no cookie may be set').to.equal(undefined);
}

/** A form post as a browser sends it from a page (Host is the app's; the rest as given). */
function formPost(app: TestApp, path: string, headers: Record<string, string>, form: Record<string, string> = ATTACKER) {
  const req = app.request.post(path).set('Host', APP).type('form');
  for (const [name, value] of Object.entries(headers)) req.set(name, value);
  return req.send(form);
}

describe('attack: login CSRF (a cross-site request to a route that sets cookies)', function () {
  describe('obtain, pair mode with the refresh cookie', function () {
    const app = buildApp(PAIR_COOKIE);

    it('refuses a cross-site form post (Origin of another site, Sec-Fetch-Site: cross-site): 403, no cookie', async function () {
      expectRefusedCrossSite(await formPost(app, '/auth/token', { Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' }));
    });

    it('refuses a sibling origin of the same site (another port or subdomain: Sec-Fetch-Site: same-site)', async function () {
      expectRefusedCrossSite(await formPost(app, '/auth/token', { Origin: 'http://app.localhost:4000', 'Sec-Fetch-Site': 'same-site' }));
    });

    it('refuses a foreign Origin from a browser that sends no Sec-Fetch-Site', async function () {
      expectRefusedCrossSite(await formPost(app, '/auth/token', { Origin: EVIL }));
    });

    it('refuses Origin: null (a sandboxed frame hiding where it comes from), even without a Referer', async function () {
      expectRefusedCrossSite(await formPost(app, '/auth/token', { Origin: 'null' }));
    });

    it('refuses an Origin that is not a URL: 403, never a 500 and never taken for its own origin', async function () {
      for (const origin of ['garbage', 'app.localhost:3000', 'http://']) {
        expectRefusedCrossSite(await formPost(app, '/auth/token', { Origin: origin }));
      }
    });

    it('says who was refused and what is allowed', async function () {
      const says = async (headers: Record<string, string>) => (await formPost(app, '/auth/token', headers)).body.error_description as string;
      const allowed = "(allowed: this server's own origin; see refresh.csrf.origins).";
      expect(await says({ Origin: EVIL })).to.equal(`CSRF check failed: the origin ${EVIL} may not call a route that sets cookies ${allowed}`);
      expect(await says({ Origin: 'null' })).to.contain('an opaque origin (Origin: null) may not call');
      expect(await says({ 'Sec-Fetch-Site': 'same-site' })).to.contain('a same-site page without Origin may not call');
      expect(await says({ Referer: `${EVIL}/page.html` })).to.contain(`the origin ${EVIL} may not call`);
    });

    it('refuses a foreign Referer when there is neither Origin nor Sec-Fetch-Site', async function () {
      expectRefusedCrossSite(await formPost(app, '/auth/token', { Referer: `${EVIL}/win-a-prize.html` }));
    });

    it('refuses before the password is checked: a wrong password from another site is 403, not 401', async function () {
      expectRefusedCrossSite(await formPost(app, '/auth/token', { Origin: EVIL }, { username: 'alice', password: 'wrong' }));
    });

    it('accepts the same request from the page of its own origin (and sets the cookies)', async function () {
      const res = await formPost(app, '/auth/token', { Origin: OWN, 'Sec-Fetch-Site': 'same-origin' }).expect(201);
      expect(cookiesOf(res).get('refresh_token')?.value).to.be.a('string').and.not.equal('');
    });

    it('accepts an https page behind a TLS-terminating proxy that Koa sees as http', async function () {
      await formPost(app, '/auth/token', { Origin: `https://${APP}` }).expect(201);
    });

    it('refuses an http page posting to the https service of the same host', async function () {
      const proxied = buildApp(PAIR_COOKIE);
      proxied.app.proxy = true;
      expectRefusedCrossSite(await formPost(proxied, '/auth/token', { Origin: OWN, 'X-Forwarded-Proto': 'https' }));
    });

    it('takes the browser\'s own verdict (Sec-Fetch-Site: same-origin) even when a proxy rewrote Host, so Origin and Host differ', async function () {
      await formPost(app, '/auth/token', { Origin: 'https://app.example', 'Sec-Fetch-Site': 'same-origin' }).expect(201);
    });

    it('accepts a client that is not a browser (no Origin, Sec-Fetch-Site or Referer: curl)', async function () {
      await formPost(app, '/auth/token', {}).expect(201);
    });
  });

  describe('with an allow-list (refresh.csrf.origins)', function () {
    const app = buildApp({ refresh: { pair: true, cookie: 'refresh_token', csrf: { origins: ['https://spa.example'] } } });

    it('accepts a listed origin, cross-site included', async function () {
      await formPost(app, '/auth/token', { Origin: 'https://spa.example', 'Sec-Fetch-Site': 'cross-site' }).expect(201);
    });

    it('accepts the request\'s own origin as well', async function () {
      await formPost(app, '/auth/token', { Origin: OWN }).expect(201);
    });

    it('refuses an unlisted origin', async function () {
      expectRefusedCrossSite(await formPost(app, '/auth/token', { Origin: 'https://spa.example.evil', 'Sec-Fetch-Site': 'cross-site' }));
      const res = await formPost(app, '/auth/token', { Origin: 'https://spa.example.evil' });
      expect(res.body.error_description).to.contain("(allowed: this server's own origin and https://spa.example; see refresh.csrf.origins)");
    });
  });

  describe('refresh with a body token (the cookie is set to the attacker\'s session)', function () {
    const app = buildApp(PAIR_COOKIE);

    it('refuses a cross-site form post of the attacker\'s refresh token: 403, no cookie, the token not consumed', async function () {
      const login = await formPost(app, '/auth/token', {}).expect(201);
      const refresh = cookiesOf(login).get('refresh_token')!.value;
      expectRefusedCrossSite(await formPost(app, '/auth/token/refresh', { Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' }, { refresh }));
      await formPost(app, '/auth/token/refresh', {}, { refresh }).expect(201);
    });
  });

  describe('the auth cookie (cookie) in single-token mode', function () {
    const app = buildApp({ cookie: 'jwt' });

    it('refuses a cross-site obtain', async function () {
      expectRefusedCrossSite(await formPost(app, '/auth/token', { Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' }));
    });

    it('refuses a cross-site refresh with a body token', async function () {
      const { token } = (await formPost(app, '/auth/token', {}).expect(201)).body as { token: string };
      expectRefusedCrossSite(await formPost(app, '/auth/token/refresh', { Origin: EVIL }, { token }));
    });
  });

  describe('logout authenticated by the auth cookie (the route clears cookies)', function () {
    const app = buildApp({ cookie: 'jwt' });

    it('refuses a cross-site logout: 403, the cookie neither cleared nor revoked', async function () {
      const login = await formPost(app, '/auth/token', {}).expect(201);
      const jwt = cookiesOf(login).get('jwt')!.value;
      expectRefusedCrossSite(await formPost(app, '/auth/token/blacklist', { Origin: EVIL, Cookie: `jwt=${jwt}` }, {}));
      await app.request.get('/me').set('Cookie', `jwt=${jwt}`).expect(200);
    });
  });

  describe('impersonate with the impersonation cookie', function () {
    const app = buildApp({ impersonation: { cookie: 'jwt_impersonation' } });

    it('refuses a cross-site request even from an authenticated superuser', async function () {
      const { token } = (await formPost(app, '/auth/token', {}, { username: 'root', password: 'root-password' }).expect(201)).body as { token: string };
      const res = await formPost(app, '/auth/token/impersonate', { Origin: EVIL, Authorization: `Bearer ${token}` }, { user: '1' });
      expectRefusedCrossSite(res);
      await formPost(app, '/auth/token/impersonate', { Origin: OWN, Authorization: `Bearer ${token}` }, { user: '1' }).expect(201);
    });
  });

  describe('a route that sets no cookie', function () {
    const app = buildApp({ refresh: { pair: true } });

    it('is left to CORS: a cross-site obtain without cookies only answers JSON a foreign page cannot read', async function () {
      const res = await formPost(app, '/auth/token', { Origin: EVIL, 'Sec-Fetch-Site': 'cross-site' }).expect(201);
      expect(res.headers['set-cookie']).to.equal(undefined);
    });
  });
});
