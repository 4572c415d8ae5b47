import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import supertest from 'supertest';
import { buildApp } from '../../example/app.js';
import { curlLines } from '../../example/curl-lines.js';
import { loadOrCreateDevKey } from '../../example/dev-keys.js';
import { readmeCurlLines } from '../docs/readme-curl.js';

// The demo's parts, in-process: development key handling, the app, the printed lines.

describe('demo development keys', function () {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-devkey-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates an ES256 (P-256) private key on first use, mode 0600, with a note that it is for development', function () {
    const key = loadOrCreateDevKey(join(dir, 'dev'));
    expect(key.created).to.equal(true);
    expect(key.pem).to.match(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(key.file).mode & 0o777).to.equal(0o600);
    expect(readFileSync(join(dir, 'dev', 'README.md'), 'utf8')).to.match(/never use them in production/);
  });

  it('reuses the key on the next start: same PEM, same kid', function () {
    const first = loadOrCreateDevKey(dir);
    const second = loadOrCreateDevKey(dir);
    expect(second.created).to.equal(false);
    expect(second.pem).to.equal(first.pem);
    expect(second.kid).to.equal(first.kid);
  });

  it('gives a regenerated key another kid', function () {
    const first = loadOrCreateDevKey(dir);
    rmSync(first.file);
    const second = loadOrCreateDevKey(dir);
    expect(second.created).to.equal(true);
    expect(second.kid).not.to.equal(first.kid);
  });
});

describe('demo app (buildApp)', function () {
  let dir: string;
  let demo: ReturnType<typeof buildApp>;
  let request: ReturnType<typeof supertest>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-demoapp-'));
    demo = buildApp({ keysDir: dir });
    demo.app.silent = true;
    request = supertest(demo.app.callback());
  });
  after(async () => {
    await demo.auth.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes its key into the keysDir it is given', function () {
    expect(existsSync(join(dir, 'es256-private.pem'))).to.equal(true);
  });

  it('signs with the dev key, under its kid', async function () {
    const { token } = await demo.auth.issue({ id: '2', username: 'alice' });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).to.include({ alg: 'ES256', kid: demo.key.kid });
  });

  it('accepts a form-encoded obtain (as the printed curl lines send refresh and verify)', async function () {
    const res = await request.post('/auth/token').type('form').send({ username: 'admin', password: 'password123' }).expect(201);
    await request.post('/auth/token/verify').type('form').send({ token: res.body.token }).expect(200);
  });

  it('logs the audit events, without the password or the token', async function () {
    const lines: string[] = [];
    const logged = buildApp({ keysDir: dir, log: (line) => lines.push(line) });
    const agent = supertest(logged.app.callback());
    await agent.post('/auth/token').send({ username: 'alice', password: 'wrong-password' }).expect(401);
    const { body } = await agent.post('/auth/token').send({ username: 'alice', password: 'alice-password' }).expect(201);
    await logged.auth.close();
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/ auth login_failed \{.*"username":"alice".*"reason":"wrong_password"/);
    expect(lines[1]).to.match(/ auth login \{.*"userId":"2"/);
    for (const line of lines) for (const secret of ['wrong-password', 'alice-password', body.token]) expect(line).to.not.include(secret);
  });

  it('GET / is public and lists the routes', async function () {
    const res = await request.get('/').expect(200);
    expect(res.body.routes).to.include('GET /me');
  });

  it('everything mounted after auth requires a token', async function () {
    const res = await request.get('/anything-else').expect(401);
    expect(res.body.error).to.equal('credentials_required');
  });

  it('GET /me with a malformed Authorization header is 401 credentials_bad_format', async function () {
    const res = await request.get('/me').set('Authorization', 'Bearer').expect(401);
    expect(res.body.error).to.equal('credentials_bad_format');
  });
});

describe('demo curl lines', function () {
  const lines = curlLines('http://localhost:4321');

  it('names the given address in every line', function () {
    expect(lines).to.have.length(7);
    for (const line of lines) expect(line).to.include('http://localhost:4321/');
  });

  it('keeps the token in $TOKEN first and uses it afterwards', function () {
    expect(lines[0]).to.match(/^TOKEN=\$\(curl /);
    for (const line of lines.slice(1, 6)) expect(line).to.include('$TOKEN');
  });

  it('log in, call, refresh, verify, log out, call again, then the JWKS', function () {
    expect(lines.map((l) => l.match(/http:\/\/localhost:\d+(\S*)/)![1])).to.deep.equal([
      '/auth/token', '/me', '/auth/token/refresh', '/auth/token/verify', '/auth/token/blacklist', '/me', '/.well-known/jwks.json',
    ]);
  });

  it("are the lines README.md shows for port 3000 (its block marked <!-- demo-curl -->)", function () {
    expect(readmeCurlLines('demo-curl')).to.deep.equal(curlLines('http://localhost:3000'));
  });

  it('sends the seeded credentials as JSON', function () {
    expect(lines[0]).to.include(`-d '{"username":"admin","password":"password123"}'`);
  });
});
