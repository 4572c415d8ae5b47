import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';

// The CLI as users run it: bin/koa-jwt-kit.cjs in a child process (from source, through tsx).

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'koa-jwt-kit.cjs');
const fixture = (name: string) => join(import.meta.dirname, '..', '..', 'fixtures', 'cli', name);
const secret = randomBytes(32).toString('hex');

interface Run { code: number | null; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'test', KOA_JWT_AUTH_FROM_SOURCE: '1', KOA_JWT_CLI_SECRET: secret, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const config = ['--config', fixture('config.ts')];

// Every run of this file, started at once in parallel (each child costs a Node start and a tsx load).
const RUNS = {
  alice: [[...config, 'token', 'alice']],
  byIdJson: [['token', '--id', '1', '--json', ...config]],
  production: [[...config, 'token', 'alice'], { NODE_ENV: 'production' }],
  productionForced: [[...config, 'token', 'alice', '--force'], { NODE_ENV: 'production' }],
  nobody: [[...config, 'token', 'nobody']],
  inactive: [[...config, 'token', 'bob']],
  noUser: [[...config, 'token']],
  userAndId: [[...config, 'token', 'alice', '--id', '1']],
  unknownOption: [[...config, 'token', '--bogus']],
  deleteStale: [[...config, 'delete-stale-tokens']],
  mjs: [['--config', fixture('default-export.mjs'), 'delete-stale-tokens']],
  badJson: [['--config', fixture('bad.json'), 'delete-stale-tokens']],
  missing: [['--config', fixture('nope.mjs'), 'delete-stale-tokens']],
  help: [['--help']],
  tokenHelp: [['token', '--help']],
  deleteStaleHelp: [['delete-stale-tokens', '--help']],
  unknownCommand: [['frobnicate']],
} satisfies Record<string, [string[]] | [string[], Record<string, string>]>;

type RunName = keyof typeof RUNS;
let started: Record<RunName, Promise<Run>> | undefined;
const result = (name: RunName): Promise<Run> => {
  started ??= Object.fromEntries(Object.entries(RUNS).map(([k, [args, env]]) => [k, cli(args, env)])) as Record<RunName, Promise<Run>>;
  return started[name];
};

describe('koa-jwt-kit (CLI)', function () {
  this.timeout(60_000);
  before(async () => {
    await result('alice');
  });

  describe('token', () => {
    it('prints a token for a username, signed with the config\'s key', async () => {
      const { code, stdout, stderr } = await result('alice');
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      const payload = jwt.verify(stdout.trim(), secret, { algorithms: ['HS256'] }) as Record<string, unknown>;
      expect(payload).to.include({ user_id: '1', username: 'alice' });
    });

    it('prints a token for --id, and the whole answer with --json', async () => {
      const { code, stdout } = await result('byIdJson');
      expect(code).to.equal(0);
      const body = JSON.parse(stdout) as { token: string };
      expect(jwt.verify(body.token, secret, { algorithms: ['HS256'] })).to.include({ username: 'alice' });
    });

    it('refuses with NODE_ENV=production (exit 1, one line), unless --force', async () => {
      const refused = await result('production');
      expect(refused.code).to.equal(1);
      expect(refused.stdout).to.equal('');
      expect(refused.stderr.trim().split('\n')).to.have.length(1);
      expect(refused.stderr).to.include('NODE_ENV=production');
      const forced = await result('productionForced');
      expect(forced.code).to.equal(0);
      expect(forced.stdout.trim().split('.')).to.have.length(3);
    });

    it('fails with exit 1 and one line for an unknown user and for an inactive one', async () => {
      for (const name of ['nobody', 'inactive'] as const) {
        const { code, stdout, stderr } = await result(name);
        expect(code).to.equal(1);
        expect(stdout).to.equal('');
        expect(stderr.trim().split('\n')).to.have.length(1);
      }
    });

    it('is a usage error (exit 2) without a username or with both a username and --id', async () => {
      expect((await result('noUser')).code).to.equal(2);
      expect((await result('userAndId')).code).to.equal(2);
      expect((await result('unknownOption')).code).to.equal(2);
    });
  });

  describe('delete-stale-tokens', () => {
    it('prints how many blacklist entries were removed', async () => {
      const { code, stdout, stderr } = await result('deleteStale');
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      expect(stdout.trim()).to.equal('2');
    });
  });

  describe('config modules', () => {
    it('loads a default export from an .mjs module', async () => {
      const { code, stdout, stderr } = await result('mjs');
      // It loaded: the failure is koaJwt()'s own verdict on it (no users), naming the path.
      expect(code).to.equal(1);
      expect(stdout).to.equal('');
      expect(stderr).to.match(/^koa-jwt-kit delete-stale-tokens: users: required/);
    });

    it('reports a wrong config in one line naming the path (exit 1)', async () => {
      const { code, stderr } = await result('badJson');
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.include('keys.secret');
    });

    it('reports a missing config module (exit 1)', async () => {
      const { code, stderr } = await result('missing');
      expect(code).to.equal(1);
      expect(stderr).to.include('no such file');
    });
  });

  describe('--help', () => {
    it('lists the commands (exit 0)', async () => {
      const { code, stdout } = await result('help');
      expect(code).to.equal(0);
      expect(stdout).to.include('token').and.to.include('delete-stale-tokens');
    });

    for (const [command, name] of [['token', 'tokenHelp'], ['delete-stale-tokens', 'deleteStaleHelp']] as const) {
      it(`explains ${command} (exit 0, no config needed)`, async () => {
        const { code, stdout } = await result(name);
        expect(code).to.equal(0);
        expect(stdout).to.include(`Usage: koa-jwt-kit [--config <module>] ${command}`);
      });
    }

    it('answers an unknown command with the usage and exit 2', async () => {
      const { code, stderr } = await result('unknownCommand');
      expect(code).to.equal(2);
      expect(stderr).to.include('unknown command frobnicate');
    });
  });
});
