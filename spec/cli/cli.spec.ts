import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';

// The CLI as users run it: bin/koa-jwt-auth.cjs in a child process (from source, through tsx).

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'koa-jwt-auth.cjs');
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
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

describe('koa-jwt-auth (CLI)', function () {
  this.timeout(30_000);
  const config = ['--config', fixture('config.ts')];

  describe('token', () => {
    it('prints a token for a username, signed with the config\'s key', async () => {
      const { code, stdout, stderr } = await cli([...config, 'token', 'alice']);
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      const payload = jwt.verify(stdout.trim(), secret, { algorithms: ['HS256'] }) as Record<string, unknown>;
      expect(payload).to.include({ user_id: '1', username: 'alice' });
    });

    it('prints a token for --id, and the whole answer with --json', async () => {
      const { code, stdout } = await cli(['token', '--id', '1', '--json', ...config]);
      expect(code).to.equal(0);
      const body = JSON.parse(stdout) as { token: string };
      expect(jwt.verify(body.token, secret, { algorithms: ['HS256'] })).to.include({ username: 'alice' });
    });

    it('refuses with NODE_ENV=production (exit 1, one line), unless --force', async () => {
      const refused = await cli([...config, 'token', 'alice'], { NODE_ENV: 'production' });
      expect(refused.code).to.equal(1);
      expect(refused.stdout).to.equal('');
      expect(refused.stderr.trim().split('\n')).to.have.length(1);
      expect(refused.stderr).to.include('NODE_ENV=production');
      const forced = await cli([...config, 'token', 'alice', '--force'], { NODE_ENV: 'production' });
      expect(forced.code).to.equal(0);
      expect(forced.stdout.trim().split('.')).to.have.length(3);
    });

    it('fails with exit 1 and one line for an unknown user and for an inactive one', async () => {
      for (const args of [['token', 'nobody'], ['token', 'bob']]) {
        const { code, stdout, stderr } = await cli([...config, ...args]);
        expect(code).to.equal(1);
        expect(stdout).to.equal('');
        expect(stderr.trim().split('\n')).to.have.length(1);
      }
    });

    it('is a usage error (exit 2) without a username or with both a username and --id', async () => {
      expect((await cli([...config, 'token'])).code).to.equal(2);
      expect((await cli([...config, 'token', 'alice', '--id', '1'])).code).to.equal(2);
      expect((await cli([...config, 'token', '--bogus'])).code).to.equal(2);
    });
  });

  describe('delete-stale-tokens', () => {
    it('prints how many blacklist entries were removed', async () => {
      const { code, stdout, stderr } = await cli([...config, 'delete-stale-tokens']);
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      expect(stdout.trim()).to.equal('2');
    });
  });

  describe('config modules', () => {
    it('loads a default export from an .mjs module', async () => {
      const { code, stdout } = await cli(['--config', fixture('default-export.mjs'), 'delete-stale-tokens']);
      expect(code).to.equal(1);
      // It loaded: the failure is the config's own (an unknown option), named by its path.
      expect(stdout).to.equal('');
    });

    it('reports a wrong config in one line naming the path (exit 1)', async () => {
      const { code, stderr } = await cli(['--config', fixture('bad.json'), 'delete-stale-tokens']);
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.include('keys.secret');
    });

    it('reports a missing config module (exit 1)', async () => {
      const { code, stderr } = await cli(['--config', fixture('nope.mjs'), 'delete-stale-tokens']);
      expect(code).to.equal(1);
      expect(stderr).to.include('no such file');
    });
  });

  describe('--help', () => {
    it('lists the commands (exit 0)', async () => {
      const { code, stdout } = await cli(['--help']);
      expect(code).to.equal(0);
      expect(stdout).to.include('token').and.to.include('delete-stale-tokens');
    });

    for (const command of ['token', 'delete-stale-tokens']) {
      it(`explains ${command} (exit 0, no config needed)`, async () => {
        const { code, stdout } = await cli([command, '--help']);
        expect(code).to.equal(0);
        expect(stdout).to.include(`Usage: koa-jwt-auth [--config <module>] ${command}`);
      });
    }

    it('answers an unknown command with the usage and exit 2', async () => {
      const { code, stderr } = await cli(['frobnicate']);
      expect(code).to.equal(2);
      expect(stderr).to.include('unknown command frobnicate');
    });
  });
});
