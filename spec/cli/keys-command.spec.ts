import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { CommandIo } from '../../lib/cli/command.js';
import { main } from '../../lib/cli/main.js';
import { readManifest } from '../../lib/keyring/dir.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { decode } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

function capture(): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: process.env, cwd: process.cwd() };
}

/** `koa-jwt-kit keys …` through the CLI's main(), as the bin runs it. */
const keysCommand = (argv: string[], io: CommandIo) => main(['keys', ...argv], io);
const jwksCommand = (argv: string[], io: CommandIo) => main(['jwks', ...argv], io);

describe('koa-jwt-kit keys', () => {
  let dir: string;
  const run = async (...argv: string[]) => {
    const io = capture();
    const code = await keysCommand([...argv, '--dir', dir], io);
    return { code, out: io.out.join('\n'), err: io.err.join('\n') };
  };
  const states = () => Object.fromEntries(readManifest(dir).keys.map((k) => [k.kid, k.state]));

  beforeEach(() => { dir = join(mkdtempSync(join(tmpdir(), 'koa-jwt-kit-cli-')), 'keys'); });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('generate writes a private key readable by its owner only and adds it to the manifest', async () => {
    const { code, out } = await run('generate', '--alg', 'ES256', '--kid', 'k1');
    expect(code).to.equal(0);
    expect(out).to.equal('k1');
    expect(readFileSync(join(dir, 'k1.pem'), 'utf8')).to.match(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(join(dir, 'k1.pem')).mode & 0o077).to.equal(0);
    expect(readManifest(dir).keys[0]).to.include({ kid: 'k1', alg: 'ES256', state: 'active', file: 'k1.pem' });
  });

  it('generate makes the first key active and later ones next, at the end', async () => {
    await run('generate', '--alg', 'EdDSA', '--kid', 'one');
    await run('generate', '--alg', 'EdDSA', '--kid', 'two', '--format', 'jwk');
    expect(readManifest(dir).keys.map((k) => [k.kid, k.state])).to.deep.equal([['one', 'active'], ['two', 'next']]);
    expect(JSON.parse(readFileSync(join(dir, 'two.json'), 'utf8'))).to.include({ kty: 'OKP', alg: 'EdDSA' });
  });

  it('generate derives a kid when none is given, and refuses a duplicate or unsafe one', async () => {
    const { out } = await run('generate', '--alg', 'ES256');
    expect(out).to.match(/^\d{4}-\d{2}-\d{2}-[A-Za-z0-9_-]{8}$/);
    expect((await run('generate', '--alg', 'ES256', '--kid', out)).code).to.equal(1);
    expect((await run('generate', '--alg', 'ES256', '--kid', '../evil')).code).to.equal(2);
    expect((await run('generate', '--alg', 'ES256', '--state', 'retired')).code).to.equal(2);
    expect((await run('generate', '--alg', 'none')).code).to.equal(2);
  });

  it('promote moves the key first and retires the previous signer; retire retires', async () => {
    await run('generate', '--alg', 'ES256', '--kid', 'old');
    await run('generate', '--alg', 'ES256', '--kid', 'new');
    expect((await run('promote', 'new')).code).to.equal(0);
    expect(readManifest(dir).keys.map((k) => k.kid)).to.deep.equal(['new', 'old']);
    expect(states()).to.deep.equal({ new: 'active', old: 'retired' });
    expect((await run('retire', 'new')).code).to.equal(0);
    expect(states()).to.deep.equal({ new: 'retired', old: 'retired' });
    expect((await run('promote', 'nope')).code).to.equal(1);
  });

  it('list prints every key in manifest order', async () => {
    await run('generate', '--alg', 'ES256', '--kid', 'a');
    await run('generate', '--alg', 'ES256', '--kid', 'b');
    const { out } = await run('list');
    const lines = out.split('\n');
    expect(lines[0]).to.match(/^KID\s+ALG\s+STATE\s+CREATED\s+FILE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).to.deep.equal([['a', 'ES256', 'active'], ['b', 'ES256', 'next']]);
  });

  it('the directory it writes is what keys.dir loads: the promoted key signs', async () => {
    await run('generate', '--alg', 'ES256', '--kid', 'old');
    await run('generate', '--alg', 'ES256', '--kid', 'new');
    await run('promote', 'new');
    const auth = koaJwt({ keys: { algorithm: 'ES256', dir }, users: testUsers() });
    expect(decode((await auth.issue({ id: '1', username: 'alice' })).token).header.kid).to.equal('new');
    expect(internalsOf(auth).keyring.jwks().keys.map((k) => k.kid)).to.deep.equal(['new', 'old']);
    await auth.close();
  });

  it('--help prints the usage and exits 0; an unknown command exits 2', async () => {
    expect((await run('--help')).out).to.match(/^Usage: koa-jwt-kit .*keys generate/);
    expect((await run('frobnicate')).code).to.equal(2);
    expect((await run()).code).to.equal(2);
  });

  it('runs as bin/koa-jwt-kit.cjs in a child process', async function () {
    // A Node start and a tsx load of lib/: about 1.1 s of CPU alone, several times that on a busy machine.
    this.timeout(30_000);
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'koa-jwt-kit.cjs');
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'keys', 'generate', '--alg', 'EdDSA', '--kid', 'spawned', '--dir', dir], {
        env: { ...process.env, KOA_JWT_KIT_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out }));
    });
    expect(code).to.equal(0);
    expect(stdout.trim()).to.equal('spawned');
    expect(readManifest(dir).keys.map((k) => k.kid)).to.deep.equal(['spawned']);
  });
});

describe('koa-jwt-kit jwks', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-jwks-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints the JWKS a JSON config would publish (public members only)', async () => {
    const dir = join(tmp, 'keys');
    await keysCommand(['generate', '--alg', 'ES256', '--kid', 'a', '--dir', dir], capture());
    await keysCommand(['generate', '--alg', 'ES256', '--kid', 'b', '--dir', dir], capture());
    writeFileSync(join(tmp, 'auth.json'), JSON.stringify({ keys: { algorithm: 'ES256', dir } }));
    const io = capture();
    expect(await jwksCommand(['--config', join(tmp, 'auth.json')], io)).to.equal(0);
    const jwks = JSON.parse(io.out.join('\n'));
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).to.deep.equal(['a', 'b']);
    expect(jwks.keys[0]).to.have.keys(['kty', 'kid', 'use', 'alg', 'crv', 'x', 'y']);
  });

  it('prints the managed key of a rotation config from a module', async () => {
    writeFileSync(join(tmp, 'auth.mjs'), "export default { keys: { rotation: { algorithm: 'EdDSA', every: '30d' } } };\n");
    const io = capture();
    expect(await jwksCommand(['--config', join(tmp, 'auth.mjs')], io)).to.equal(0);
    expect(JSON.parse(io.out.join('\n')).keys[0]).to.include({ kty: 'OKP', alg: 'EdDSA', use: 'sig' });
  });

  it('reports a wrong config with its path and exits 1', async () => {
    writeFileSync(join(tmp, 'bad.json'), JSON.stringify({ keys: { secret: 'short' } }));
    const io = capture();
    expect(await jwksCommand(['--config', join(tmp, 'bad.json')], io)).to.equal(1);
    expect(io.err.join('\n')).to.match(/keys\.secret/);
  });

  it('needs a config, and no arguments', async () => {
    const io = { ...capture(), cwd: tmp };
    expect(await jwksCommand([], io)).to.equal(1); // no --config and no koa-jwt-kit.config.* here
    expect(await jwksCommand(['extra'], capture())).to.equal(2);
  });
});
