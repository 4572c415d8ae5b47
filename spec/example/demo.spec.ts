import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { readmeCurlLines } from '../docs/readme-curl.js';
import { decode } from '../helpers/tokens.js';
import { hasCurl } from '../helpers/curl.js';
import { freePort } from '../helpers/listen.js';

// The demo service as a user runs it: its own process, its own port, driven over HTTP.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));


interface Demo {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts example/server.ts and resolves once it has printed its address and curl lines. */
async function startDemo(keysDir: string): Promise<Demo> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'example/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), KEYS_DIR: keysDir, NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      // The JWKS line is the last of the start-up banner.
      if (/curl .*\/\.well-known\/jwks\.json/.test(out)) {
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`the demo exited (${code}) before printing its address:\n${out}\n${err}`)));
  });
  return { child, port, output: () => out, exited };
}

async function call(base: string, path: string, init: { method?: string; token?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

describe('the demo service (npm start)', function () {
  this.timeout(30_000);
  let keysDir: string;
  let demo: Demo;
  let base: string;

  before(async function () {
    keysDir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-demo-keys-'));
    demo = await startDemo(keysDir);
    // It listens on the loopback address; the banner names it `localhost`.
    base = `http://127.0.0.1:${demo.port}`;
  });

  after(async function () {
    if (demo && demo.child.exitCode === null && demo.child.signalCode === null) {
      demo.child.kill('SIGKILL');
      await demo.exited;
    }
    rmSync(keysDir, { recursive: true, force: true });
  });

  describe('start-up', function () {
    it('prints its address, http://localhost:PORT', function () {
      expect(demo.output()).to.include(`listening on http://localhost:${demo.port}\n`);
    });

    it('generates its development key in KEYS_DIR, readable by its owner only', function () {
      const file = join(keysDir, 'es256-private.pem');
      expect(existsSync(file)).to.equal(true);
      expect(statSync(file).mode & 0o077).to.equal(0);
      expect(demo.output()).to.match(/keys: .*ES256, kid dev-[A-Za-z0-9_-]+, generated now\): development keys/);
    });

    it("prints README.md's curl lines (log in, call, refresh, verify, log out, call again, JWKS), on its port", function () {
      const printed = demo.output().split('\n').filter((l) => /\bcurl /.test(l)).map((l) => l.trim());
      const url = `http://localhost:${demo.port}`;
      expect(printed).to.have.length(7);
      for (const line of printed) expect(line).to.include(url);
      expect(printed).to.deep.equal(readmeCurlLines('demo-curl').map((l) => l.replaceAll('http://localhost:3000', url)));
      expect(demo.output()).not.to.match(/localhost:(?!\d)/);
    });
  });

  describe('over HTTP', function () {
    let first: string;

    it('obtain: admin / password123 gets 201 { token }', async function () {
      const res = await call(base, '/auth/token', { method: 'POST', json: { username: 'admin', password: 'password123' } });
      expect(res.status).to.equal(201);
      expect(res.body).to.have.keys('token');
      first = res.body.token;
      const { header, payload } = decode(first);
      expect(header).to.include({ alg: 'ES256' });
      expect(header.kid).to.match(/^dev-/);
      expect(payload).to.include({ user_id: '1', username: 'admin' });
    });

    it('obtain: a wrong password is 401 invalid_credentials', async function () {
      const res = await call(base, '/auth/token', { method: 'POST', json: { username: 'admin', password: 'nope' } });
      expect(res.status).to.equal(401);
      expect(res.body.error).to.equal('invalid_credentials');
    });

    it('GET /me with the token answers the user (admin is a superuser)', async function () {
      const res = await call(base, '/me', { token: first });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: '1', username: 'admin', isSuperuser: true });
      expect(res.body).not.to.have.any.keys('password', 'passwordHash');
    });

    it('GET /me without a token is 401 credentials_required', async function () {
      const res = await call(base, '/me');
      expect(res.status).to.equal(401);
      expect(res.body.error).to.equal('credentials_required');
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer realm="api"/);
    });

    it('the ordinary user alice logs in and is not a superuser', async function () {
      const { body } = await call(base, '/auth/token', { method: 'POST', json: { username: 'alice', password: 'alice-password' } });
      const me = await call(base, '/me', { token: body.token });
      expect(me.status).to.equal(200);
      expect(me.body).to.include({ id: '2', username: 'alice', isSuperuser: false });
    });

    it('refresh: a new token of the same family, which /me accepts', async function () {
      const res = await call(base, '/auth/token/refresh', { method: 'POST', json: { token: first } });
      expect(res.status).to.equal(201);
      const renewed: string = res.body.token;
      expect(renewed).to.be.a('string').and.not.equal(first);
      const old = decode(first).payload;
      const next = decode(renewed).payload;
      expect(next.jti).to.be.a('string').and.not.equal(old.jti);
      expect(next.orig_iat).to.equal(old.orig_iat);
      expect(next.orig_jti).to.equal(old.jti);
      expect((await call(base, '/me', { token: renewed })).status).to.equal(200);
    });

    it('verify: 200 { token, payload }', async function () {
      const res = await call(base, '/auth/token/verify', { method: 'POST', json: { token: first } });
      expect(res.status).to.equal(200);
      expect(res.body.token).to.equal(first);
      expect(res.body.payload).to.include({ user_id: '1', username: 'admin' });
    });

    it('verify: a tampered token is 401 token_invalid', async function () {
      const [h, p, s] = first.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...decode(first).payload, user_id: '2' })).toString('base64url')}.${s}`;
      expect(p).not.to.equal(forged.split('.')[1]);
      const res = await call(base, '/auth/token/verify', { method: 'POST', json: { token: forged } });
      expect(res.status).to.equal(401);
      expect(res.body.error).to.equal('token_invalid');
    });

    it('jwks: publishes the signing key, and an independent verifier (jose) accepts the token with it', async function () {
      const res = await call(base, '/.well-known/jwks.json');
      expect(res.status).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('public, max-age=600');
      const keys = res.body.keys as Array<Record<string, unknown>>;
      expect(keys).to.have.length(1);
      expect(keys[0]).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: decode(first).header.kid });
      expect(keys[0]).not.to.have.property('d');
      const { payload } = await jwtVerify(first, createLocalJWKSet({ keys: keys as never }), { algorithms: ['ES256'] });
      expect(payload.username).to.equal('admin');
    });
  });

  describe("README.md's curl lines", function () {
    it('work when pasted into a shell, in order, against the demo: log in, call, refresh, verify, log out, refused', function () {
      if (!hasCurl()) {
        this.test!.title += ' (skipped: curl is not installed on this machine)';
        this.skip();
      }
      const lines = readmeCurlLines('demo-curl').map((l) => l.replaceAll('http://localhost:3000', `http://localhost:${demo.port}`));
      const out = execFileSync('bash', ['-c', `set -e\n${lines.join('\n')}`], { encoding: 'utf8', timeout: 15_000 });
      const [token, me, refreshed, verified, revoked, refused, jwks] = out.trim().split('\n');
      expect(token).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(JSON.parse(me!)).to.include({ username: 'admin' });
      expect(refreshed).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/).and.not.equal(token);
      expect(JSON.parse(verified!)).to.include({ token: refreshed });
      expect(JSON.parse(revoked!).token_id).to.equal(decode(token!).payload.jti);
      expect(JSON.parse(refused!)).to.include({ error: 'token_revoked' });
      expect(JSON.parse(jwks!).keys).to.have.length(1);
    });
  });

  describe('shutdown', function () {
    it('closes the server and exits 0 on SIGTERM', async function () {
      demo.child.kill('SIGTERM');
      expect(await demo.exited).to.equal(0);
      expect(demo.output()).to.include('SIGTERM: shutting down');
    });
  });
});
