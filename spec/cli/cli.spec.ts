import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { main } from '../../lib/cli/main.js';

// The CLI as users run it. A child process runs bin/koa-jwt-kit.cjs (from source, through tsx)
// for what only a process shows: the bin's loader, the streams, the exit code of each kind
// (0, 1, 2). Each child costs a Node start and a tsx load of lib/, about 1.1 s of CPU measured:
// seventeen of them at once took this file's before hook past 60 s on a busy 2-core machine.
// Every other case calls main(), the function the bin runs, in this process.

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'koa-jwt-kit.cjs');
const fixture = (name: string) => join(import.meta.dirname, '..', '..', 'fixtures', 'cli', name);
const secret = randomBytes(32).toString('hex');

interface Run { code: number | null; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'test', KOA_JWT_KIT_FROM_SOURCE: '1', KOA_JWT_CLI_SECRET: secret, ...env },
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

/** main() with the streams captured as the bin writes them (a line and a newline each). */
async function inProcess(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, {
    stdout: (line) => stdout.push(`${line}\n`),
    stderr: (line) => stderr.push(`${line}\n`),
    env: { ...process.env, NODE_ENV: 'test', ...env },
    cwd: root,
  });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

const config = ['--config', fixture('config.ts')];

// The child runs, started at once in the before hook. deleteStale is one of them because the
// fixture's store is filled when the config module loads, which happens once per process.
const CHILD_RUNS = {
  alice: [[...config, 'token', 'alice']],
  production: [[...config, 'token', 'alice'], { NODE_ENV: 'production' }],
  unknownOption: [[...config, 'token', '--bogus']],
  deleteStale: [[...config, 'delete-stale-tokens']],
} satisfies Record<string, [string[]] | [string[], Record<string, string>]>;

type ChildRun = keyof typeof CHILD_RUNS;
let children: Record<ChildRun, Run>;

describe('koa-jwt-kit (CLI)', function () {
  this.timeout(60_000);
  // The config's key is read from the environment of the process that loads it.
  let previousSecret: string | undefined;
  before(async () => {
    previousSecret = process.env.KOA_JWT_CLI_SECRET;
    process.env.KOA_JWT_CLI_SECRET = secret;
    const names = Object.keys(CHILD_RUNS) as ChildRun[];
    const runs = await Promise.all(names.map((name) => {
      const [args, env] = CHILD_RUNS[name] as [string[], Record<string, string>?];
      return cli(args, env);
    }));
    children = Object.fromEntries(names.map((name, i) => [name, runs[i]!])) as Record<ChildRun, Run>;
  });
  after(() => {
    if (previousSecret === undefined) delete process.env.KOA_JWT_CLI_SECRET;
    else process.env.KOA_JWT_CLI_SECRET = previousSecret;
  });

  describe('token', () => {
    it('prints a token for a username, signed with the config\'s key', async () => {
      const { code, stdout, stderr } = children.alice;
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      const payload = jwt.verify(stdout.trim(), secret, { algorithms: ['HS256'] }) as Record<string, unknown>;
      expect(payload).to.include({ user_id: '1', username: 'alice' });
    });

    it('prints a token for --id, and the whole answer with --json', async () => {
      const { code, stdout } = await inProcess(['token', '--id', '1', '--json', ...config]);
      expect(code).to.equal(0);
      const body = JSON.parse(stdout) as { token: string };
      expect(jwt.verify(body.token, secret, { algorithms: ['HS256'] })).to.include({ username: 'alice' });
    });

    it('refuses with NODE_ENV=production (exit 1, one line), unless --force', async () => {
      const refused = children.production;
      expect(refused.code).to.equal(1);
      expect(refused.stdout).to.equal('');
      expect(refused.stderr.trim().split('\n')).to.have.length(1);
      expect(refused.stderr).to.include('NODE_ENV=production');
      const forced = await inProcess([...config, 'token', 'alice', '--force'], { NODE_ENV: 'production' });
      expect(forced.code).to.equal(0);
      expect(forced.stdout.trim().split('.')).to.have.length(3);
    });

    it('fails with exit 1 and one line for an unknown user and for an inactive one', async () => {
      for (const username of ['nobody', 'bob']) {
        const { code, stdout, stderr } = await inProcess([...config, 'token', username]);
        expect(code).to.equal(1);
        expect(stdout).to.equal('');
        expect(stderr.trim().split('\n')).to.have.length(1);
      }
    });

    it('is a usage error (exit 2) without a username or with both a username and --id', async () => {
      expect((await inProcess([...config, 'token'])).code).to.equal(2);
      expect((await inProcess([...config, 'token', 'alice', '--id', '1'])).code).to.equal(2);
      expect(children.unknownOption.code).to.equal(2);
    });
  });

  describe('delete-stale-tokens', () => {
    it('prints how many blacklist entries were removed', async () => {
      const { code, stdout, stderr } = children.deleteStale;
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      expect(stdout.trim()).to.equal('2');
    });
  });

  describe('config modules', () => {
    it('loads a default export from an .mjs module', async () => {
      const { code, stdout, stderr } = await inProcess(['--config', fixture('default-export.mjs'), 'delete-stale-tokens']);
      // It loaded: the failure is koaJwt()'s own verdict on it (no users), naming the path.
      expect(code).to.equal(1);
      expect(stdout).to.equal('');
      expect(stderr).to.match(/^koa-jwt-kit delete-stale-tokens: users: required/);
    });

    it('reports a wrong config in one line naming the path (exit 1)', async () => {
      const { code, stderr } = await inProcess(['--config', fixture('bad.json'), 'delete-stale-tokens']);
      expect(code).to.equal(1);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.include('keys.secret');
    });

    it('reports a missing config module (exit 1)', async () => {
      const { code, stderr } = await inProcess(['--config', fixture('nope.mjs'), 'delete-stale-tokens']);
      expect(code).to.equal(1);
      expect(stderr).to.include('no such file');
    });
  });

  describe('--help', () => {
    it('lists the commands (exit 0)', async () => {
      const { code, stdout } = await inProcess(['--help']);
      expect(code).to.equal(0);
      expect(stdout).to.include('token').and.to.include('delete-stale-tokens');
    });

    for (const command of ['token', 'delete-stale-tokens']) {
      it(`explains ${command} (exit 0, no config needed)`, async () => {
        const { code, stdout } = await inProcess([command, '--help']);
        expect(code).to.equal(0);
        expect(stdout).to.include(`Usage: koa-jwt-kit [--config <module>] ${command}`);
      });
    }

    it('answers an unknown command with the usage and exit 2', async () => {
      const { code, stderr } = await inProcess(['frobnicate']);
      expect(code).to.equal(2);
      expect(stderr).to.include('unknown command frobnicate');
    });
  });
});
