// Page functions run in the browser: they see the DOM.
/// <reference lib="dom" />
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { buildApp, type Demo } from '../../example/app.js';
import { type Browser, launchChromium, screenshot, serve, type Served, skipWithoutChromium } from './chromium.js';

// The single-page example (example/spa) served by the demo in pair-cookie mode, driven in
// Chromium: what supertest cannot show is whether a real browser stores, scopes and sends the
// cookies as the server meant (HttpOnly, Path, SameSite on http://localhost), and whether the
// page keeps working across an access token's expiry and a reload.

// Short enough that the spec sees an expiry; a real process, so no fake timers are possible.
const ACCESS_SECONDS = 2;

describe('browser: the single-page example in pair-cookie mode (Chromium)', function () {
  this.timeout(60_000);
  let keysDir: string;
  let demo: Demo;
  let app: Served;
  let browser: Browser;
  let loggedOutRefresh: string;
  let holdRefreshes = false;

  before(async function () {
    skipWithoutChromium(this);
    keysDir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-spa-keys-'));
    demo = buildApp({ keysDir, spa: { accessExpiresIn: ACCESS_SECONDS } });
    const handler = demo.app.callback();
    // Holding refreshes back makes two tabs' refreshes overlap for sure (the multi-tab step).
    app = await serve((req, res) => {
      if (holdRefreshes && req.url === '/auth/token/refresh') setTimeout(() => handler(req, res), 500);
      else handler(req, res);
    });
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await app?.close();
    await demo?.auth.close();
    if (keysDir) rmSync(keysDir, { recursive: true, force: true });
  });

  const status = () => browser.page.locator('#status');
  const exchangesTo = (path: string) => app.exchanges.filter((e) => e.method === 'POST' && e.path === path);
  // Every cookie of the profile: the refresh cookie's Path (/auth/token/refresh) hides it from a lookup by the page's URL.
  const cookie = async (name: string) => (await browser.context.cookies()).find((c) => c.name === name);

  it('opens logged out, with the login form', async function () {
    await browser.page.goto(`${app.origin}/`);
    await status().filter({ hasText: 'logged out' }).waitFor();
    expect(await browser.page.locator('#login').isVisible()).to.equal(true);
    await screenshot(browser.page, '01-logged-out');
  });

  it('logs in: GET /me answers admin; the refresh token is an HttpOnly cookie scoped to the refresh route', async function () {
    const { page } = browser;
    await page.locator('#login button[type=submit]').click();
    await status().filter({ hasText: 'logged in as admin' }).waitFor();
    expect(await page.locator('#result').textContent()).to.match(/GET \/me → 200/).and.match(/"username": "admin"/);
    const refresh = (await cookie('refresh_token'))!;
    expect(refresh, 'the refresh cookie').to.not.equal(undefined);
    expect(refresh).to.include({ httpOnly: true, path: '/auth/token/refresh', sameSite: 'Lax' });
    expect(await cookie('refresh_token_csrf')).to.include({ httpOnly: false, path: '/' });
    await screenshot(page, '02-logged-in');
  });

  it('keeps the access token in memory only: not in storage, and the refresh token out of script\'s reach', async function () {
    const seen = await browser.page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie }));
    expect(seen.local).to.equal(0);
    expect(seen.session).to.equal(0);
    expect(seen.cookies).to.match(/refresh_token_csrf=/);
    expect(seen.cookies).to.not.match(/(^|; )refresh_token=/);
  });

  it('after the access token expires, the GET /me button refreshes silently through the cookie with the CSRF header', async function () {
    const { page } = browser;
    await page.locator('#expires').filter({ hasText: 'expired' }).waitFor();
    await screenshot(page, '03-access-token-expired');
    const before = exchangesTo('/auth/token/refresh').length;
    expect(await page.locator('#refreshes').textContent()).to.equal('0');
    await page.locator('#me').click();
    await page.locator('#refreshes').filter({ hasText: '1' }).waitFor();
    await page.locator('#log li').filter({ hasText: 'silent refresh through the cookie' }).waitFor();
    const [refresh] = exchangesTo('/auth/token/refresh').slice(before);
    expect(refresh!.status).to.equal(201);
    expect(refresh!.headers.cookie).to.match(/(^|; )refresh_token=/);
    expect(refresh!.headers['x-csrf-token']).to.equal((await cookie('refresh_token_csrf'))!.value);
    await page.locator('#result').filter({ hasText: 'GET /me → 200' }).waitFor();
    expect(await status().textContent()).to.equal('logged in as admin');
    await screenshot(page, '04-silently-refreshed');
  });

  it('stays logged in across a reload, through the refresh cookie', async function () {
    const { page } = browser;
    const before = exchangesTo('/auth/token/refresh').length;
    await page.reload();
    await page.locator('#log li').filter({ hasText: 'session restored through the refresh cookie' }).waitFor();
    await status().filter({ hasText: 'logged in as admin' }).waitFor();
    expect(exchangesTo('/auth/token/refresh').slice(before).map((e) => e.status)).to.deep.equal([201]);
    await screenshot(page, '05-reloaded-still-logged-in');
  });

  it('logs out: the family is revoked, both cookies are cleared, and a reload stays logged out', async function () {
    const { page } = browser;
    loggedOutRefresh = (await cookie('refresh_token'))!.value;
    await page.locator('#logout').click();
    await status().filter({ hasText: 'logged out' }).waitFor();
    expect(exchangesTo('/auth/token/blacklist').at(-1)!.status).to.equal(201);
    expect(await cookie('refresh_token')).to.equal(undefined);
    expect(await cookie('refresh_token_csrf')).to.equal(undefined);
    await page.reload();
    await status().filter({ hasText: 'logged out' }).waitFor();
    expect(await page.locator('#login').isVisible()).to.equal(true);
    await screenshot(page, '06-logged-out-after-reload');
  });

  it('the logged-out refresh token no longer refreshes, even presented directly (401 token_revoked)', async function () {
    const res = await fetch(`${app.origin}/auth/token/refresh`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh: loggedOutRefresh }),
    });
    expect(res.status).to.equal(401);
    expect(((await res.json()) as { error: string }).error).to.equal('token_revoked');
  });

  it('two tabs whose tokens expired together both refresh and stay logged in (one refresh at a time, no reuse alarm)', async function () {
    const { page, context } = browser;
    await page.locator('#login button[type=submit]').click();
    await status().filter({ hasText: 'logged in as admin' }).waitFor();
    const second = await context.newPage();
    await second.goto(`${app.origin}/`);
    await second.locator('#status').filter({ hasText: 'logged in as admin' }).waitFor();
    await Promise.all([page, second].map((tab) => tab.locator('#expires').filter({ hasText: 'expired' }).waitFor()));
    const before = exchangesTo('/auth/token/refresh').length;
    const counts = await Promise.all([page, second].map(async (tab) => Number(await tab.locator('#refreshes').textContent())));
    holdRefreshes = true;
    await Promise.all([page.locator('#me').click(), second.locator('#me').click()]);
    // Each tab ends with one more refresh, or with an error in its log (the session ended).
    await Promise.all([page, second].map((tab, i) => tab.locator('#refreshes').filter({ hasText: String(counts[i]! + 1) })
      .or(tab.locator('#log li.error')).first().waitFor()));
    holdRefreshes = false;
    for (const tab of [page, second]) expect(await tab.locator('#status').textContent()).to.equal('logged in as admin');
    expect(exchangesTo('/auth/token/refresh').slice(before).map((e) => e.status)).to.deep.equal([201, 201]);
    await screenshot(second, '07-second-tab-refreshed');
    await second.close();
  });
});
