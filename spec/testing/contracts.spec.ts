import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { memoryUsers } from '../../lib/index.js';
import { userProviderContract } from '../../lib/testing.js';

// koa-jwt-kit/testing is what a third-party store runs to prove itself: it must pass ours, and
// it must fail one that breaks the contract (a suite that passes everything proves nothing).

userProviderContract('memoryUsers', (users) => memoryUsers(users));

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface MochaJson {
  stats: { passes: number; failures: number };
  failures: { fullTitle: string }[];
}

describe('koa-jwt-kit/testing against deliberately broken implementations', function () {
  this.timeout(60_000);
  let report: MochaJson;

  before(async () => {
    const mocha = `${ROOT}node_modules/mocha/bin/mocha.js`;
    // mocha exits non-zero when tests fail: that is the expected outcome here.
    const run = await promisify(execFile)(process.execPath, [mocha, '--no-config', '--node-option', 'import=tsx', '--reporter', 'json', 'fixtures/contracts/broken.ts'], { cwd: ROOT, maxBuffer: 16 << 20 })
      .catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    report = JSON.parse(run.stdout) as MochaJson;
  });

  const failed = (fragment: string) => report.failures.some((f) => f.fullTitle.includes(fragment));

  it('fails a store that forgets revocations', () => {
    expect(failed('Store contract: forgetfulStore blacklist answers false for an id never added and true once it is added')).to.equal(true);
  });

  it('fails a store whose consume answers consumed every time', () => {
    expect(failed("Store contract: forgetfulStore refreshTokens (pair mode) consumes a saved refresh token once, then answers reused")).to.equal(true);
  });

  it('fails a users provider that accepts any password', () => {
    expect(failed('UserProvider contract: gullibleUsers authenticate answers no user for a wrong password')).to.equal(true);
  });

  it('still passes the cases the broken implementations keep', () => {
    expect(report.stats.passes).to.be.greaterThan(0);
  });
});
