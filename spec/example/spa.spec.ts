import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import { buildApp, SPA_ACCESS_SECONDS } from '../../example/app.js';
import { cookiesOf } from '../authority/pair-fixture.js';
import { decode } from '../helpers/tokens.js';

// The demo's single-page switch, in-process (spec/browser drives the page itself in Chromium).

describe('demo app with the single-page example (buildApp({ spa }))', function () {
  let dir: string;
  let demo: ReturnType<typeof buildApp>;
  let request: ReturnType<typeof supertest>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-spa-'));
    demo = buildApp({ keysDir: dir, spa: {} });
    demo.app.silent = true;
    request = supertest(demo.app.callback());
  });
  after(async () => {
    await demo.auth.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page at / with a CSP that allows scripts of its own origin only', async function () {
    const res = await request.get('/').expect(200);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    expect(res.headers['content-security-policy']).to.equal("default-src 'self'; frame-ancestors 'none'");
    expect(res.text).to.include('<script type="module" src="/spa/app.js"></script>');
    await request.get('/spa/app.js').expect(200).expect('Content-Type', /^text\/javascript/);
    await request.get('/spa/style.css').expect(200).expect('Content-Type', /^text\/css/);
  });

  it('logs in in pair-cookie mode: { token } in the body, the refresh token in its HttpOnly cookie, access tokens short-lived', async function () {
    const res = await request.post('/auth/token').send({ username: 'admin', password: 'password123' }).expect(201);
    expect(res.body).to.have.keys('token');
    const { payload } = decode(res.body.token);
    expect(Number(payload.exp) - Number(payload.iat)).to.equal(SPA_ACCESS_SECONDS);
    expect(cookiesOf(res).get('refresh_token')!.attributes).to.include('httponly').and.include('path=/auth/token/refresh');
  });

  it('takes a shorter access lifetime when asked (the browser specs use 2 s)', async function () {
    const short = buildApp({ keysDir: dir, spa: { accessExpiresIn: 2 } });
    const res = await supertest(short.app.callback()).post('/auth/token').send({ username: 'alice', password: 'alice-password' }).expect(201);
    const { payload } = decode(res.body.token);
    expect(Number(payload.exp) - Number(payload.iat)).to.equal(2);
    await short.auth.close();
  });
});
