import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import supertest from 'supertest';
import { buildApp, SPA_ACCESS_SECONDS, spaRequested } from '../../example/app.js';
import { cookiesOf } from '../helpers/pair-fixture.js';
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

describe('npm start with the single-page switch (a real process)', function () {
  this.timeout(30_000);
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));

  /** Starts example/server.ts on a free port and resolves with its banner and the page it serves at /. */
  async function start(args: string[], env: Record<string, string>): Promise<{ banner: string; page: string }> {
    const keysDir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-spa-demo-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'example/server.ts', ...args], {
      cwd: ROOT, env: { ...process.env, PORT: '0', KEYS_DIR: keysDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout!.setEncoding('utf8');
      const banner = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (chunk: string) => {
          out += chunk;
          if (/Single-page example: open .*\n.*\n\n/.test(out)) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`the demo exited (${code}):\n${out}`)));
      });
      const base = /listening on (http:\/\/localhost:\d+)/.exec(banner)![1]!;
      const page = await (await fetch(`${base}/`)).text();
      return { banner, page };
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(keysDir, { recursive: true, force: true });
    }
  }

  it('npm start -- --spa serves the page at / and prints where to open it', async function () {
    const { banner, page } = await start(['--spa'], {});
    expect(banner).to.match(/Single-page example: open http:\/\/localhost:\d+\/ in a browser/);
    expect(page).to.include('<script type="module" src="/spa/app.js"></script>');
  });
});

describe('the single-page switch (spaRequested)', function () {
  it('is on with --spa or SPA set to anything but empty, 0 or false', function () {
    expect(spaRequested(['node', 'server.ts', '--spa'], {})).to.equal(true);
    expect(spaRequested(['node', 'server.ts'], { SPA: '1' })).to.equal(true);
    expect(spaRequested(['node', 'server.ts'], { SPA: 'yes' })).to.equal(true);
    for (const off of ['', '0', 'false']) expect(spaRequested(['node', 'server.ts'], { SPA: off }), `SPA=${off}`).to.equal(false);
    expect(spaRequested(['node', 'server.ts'], {})).to.equal(false);
  });
});
