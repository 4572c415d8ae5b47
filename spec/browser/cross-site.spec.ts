// Page functions run in the browser: they see the DOM.
/// <reference lib="dom" />
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { buildApp, type Demo } from '../../example/app.js';
import { type Browser, launchChromium, screenshot, serve, type Served, skipWithoutChromium } from './chromium.js';

// The attacks, from a real browser: the victim is logged in to the single-page example at
// http://localhost:<app>; a page of another origin, http://localhost:<evil> (another port, so
// the same *site*: SameSite=Lax cookies are sent to the app and the CSRF cookie is even
// readable there, the hardest case), tries to refresh the victim's session and to log the
// victim's browser into the attacker's account with a form post.

const ATTACKER = { username: 'alice', password: 'alice-password' };

/** The attacker's page: a hidden login form with the attacker's credentials, aimed at the app. */
const evilPage = (app: string) => `<!doctype html><meta charset="utf-8"><title>You won!</title>
<h1>Click to claim your prize</h1>
<form id="login" method="POST" action="${app}/auth/token">
  <input name="username" value="${ATTACKER.username}"><input name="password" value="${ATTACKER.password}">
</form>`;

describe('browser: cross-site attacks on the single-page example (Chromium)', function () {
  this.timeout(60_000);
  let keysDir: string;
  let demo: Demo;
  let app: Served;
  let evil: Served;
  let browser: Browser;
  let victimRefresh: string;

  before(async function () {
    skipWithoutChromium(this);
    keysDir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-spa-keys-'));
    demo = buildApp({ keysDir, spa: {} });
    app = await serve(demo.app.callback());
    evil = await serve((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(evilPage(app.origin));
    });
    browser = await launchChromium();
    // The victim logs in to the app as admin.
    await browser.page.goto(`${app.origin}/`);
    await browser.page.locator('#login button[type=submit]').click();
    await browser.page.locator('#status').filter({ hasText: 'logged in as admin' }).waitFor();
    victimRefresh = (await cookie('refresh_token'))!.value;
  });
  after(async function () {
    await browser?.close();
    await evil?.close();
    await app?.close();
    await demo?.auth.close();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  const cookie = async (name: string) => (await browser.context.cookies()).find((c) => c.name === name);
  const fromEvil = () => app.exchanges.filter((e) => e.headers.origin === evil.origin);

  it('a cross-site refresh yields nothing: the CORS preflight of the CSRF header fails, a header-less post is refused 403', async function () {
    const { page } = browser;
    await page.goto(`${evil.origin}/`);
    const seen = await page.evaluate(async (target) => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('refresh_token_csrf='))?.split('=')[1];
      const out: string[] = [`csrf cookie readable here: ${csrf !== undefined}`];
      try {
        const res = await fetch(`${target}/auth/token/refresh`, { method: 'POST', credentials: 'include', headers: { 'X-CSRF-Token': csrf ?? '' } });
        out.push(`with header: ${res.status} ${await res.text()}`);
      } catch (err) {
        out.push(`with header: blocked (${(err as Error).name})`);
      }
      const opaque = await fetch(`${target}/auth/token/refresh`, { method: 'POST', credentials: 'include', mode: 'no-cors', body: 'refresh=' });
      out.push(`no-cors: ${opaque.type} status ${opaque.status} body "${await opaque.text()}"`);
      return out;
    }, app.origin);
    await page.setContent(`<pre>${seen.join('\n')}</pre>`);
    await screenshot(page, '11-cross-site-refresh');
    // The page learned nothing: the CORS request was blocked and the no-cors answer is opaque.
    expect(seen[1]).to.match(/^with header: blocked/);
    expect(seen[2]).to.equal('no-cors: opaque status 0 body ""');
    // What reached the server: no refresh request carried the header (the preflight stopped it),
    // and the one that arrived, with the victim's refresh cookie attached, was refused and set nothing.
    const refreshes = fromEvil().filter((e) => e.method === 'POST' && e.path === '/auth/token/refresh');
    expect(refreshes).to.have.length(1);
    expect(refreshes[0]!.headers.cookie).to.match(/(^|; )refresh_token=/);
    expect(refreshes[0]!.status).to.equal(403);
    expect(JSON.parse(refreshes[0]!.body).error_description).to.match(/CSRF check failed: the origin http:\/\/localhost:\d+ may not/);
    expect(refreshes[0]!.setCookie).to.deep.equal([]);
    expect((await cookie('refresh_token'))!.value).to.equal(victimRefresh);
  });

  it('a cross-site login form post is refused 403 and sets no cookie: the victim stays logged in as themselves', async function () {
    const { page } = browser;
    await page.goto(`${evil.origin}/`);
    const [answer] = await Promise.all([
      page.waitForResponse(`${app.origin}/auth/token`),
      page.evaluate(() => (document.getElementById('login') as HTMLFormElement).submit()),
    ]);
    await page.waitForLoadState();
    await screenshot(page, '12-cross-site-login-form-post');
    expect(answer.status()).to.equal(403);
    expect(await answer.headerValue('set-cookie')).to.equal(null);
    const posted = fromEvil().filter((e) => e.method === 'POST' && e.path === '/auth/token');
    expect(posted.map((e) => [e.status, e.setCookie.length])).to.deep.equal([[403, 0]]);
    expect((await cookie('refresh_token'))!.value).to.equal(victimRefresh);
    // Back on the app, the session is still the victim's.
    await page.goto(`${app.origin}/`);
    await page.locator('#status').filter({ hasText: 'logged in as admin' }).waitFor();
    await screenshot(page, '13-victim-still-admin');
  });
});
