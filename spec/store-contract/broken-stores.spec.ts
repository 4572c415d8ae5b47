import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';

// The store contract is only as good as the mistakes it catches. Each store of
// fixtures/contracts/broken-stores.ts breaks a fleet in one way while looking right in one
// process; the contract must fail every one of them, in the case named here, and pass memoryStore.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface MochaTest { fullTitle: string }
interface MochaJson {
  stats: { passes: number; failures: number; pending: number };
  passes: MochaTest[];
  failures: MochaTest[];
  pending: MochaTest[];
}

const BROKEN: Record<string, string[]> = {
  silentListStore: ['blacklist lists with listSince(since) every entry still in force at since', 'blacklist shows a revocation made through one handle to another handle'],
  replacingUpdateStore: ['signing keys update merges the fields given and leaves every other field as it was'],
  coercingStore: [
    'blacklist refuses a tokenId or user that is not a string', 'refresh families refuses a jti, family or user that is not a string',
    'user secrets refuses a user id that is not a string', 'attempt counters (throttle) refuses a key that is not a string',
    'signing keys refuses a kid that is not a string',
  ],
  eagerDeleteStore: ['blacklist keeps an entry until its expiresAt'],
  shortFamilyStore: ['refresh families never keeps a family revoked shorter than asked'],
};

describe('the store contract against stores that break a fleet', function () {
  this.timeout(120_000);
  let report: MochaJson;

  before(async () => {
    const mocha = `${ROOT}node_modules/mocha/bin/mocha.js`;
    // mocha exits non-zero when tests fail: that is the expected outcome here.
    const run = await promisify(execFile)(process.execPath, [mocha, '--no-config', '--node-option', 'import=tsx', '--reporter', 'json', '--timeout', '20000', 'fixtures/contracts/broken-stores.ts'], { cwd: ROOT, maxBuffer: 32 << 20 })
      .catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    report = JSON.parse(run.stdout) as MochaJson;
  });

  const of = (tests: MochaTest[], store: string) => tests.filter((t) => t.fullTitle.startsWith(`Store contract: ${store} `)).map((t) => t.fullTitle.slice(`Store contract: ${store} `.length));

  it('passes memoryStore in every case', () => {
    expect(of(report.failures, 'memoryStore')).to.deep.equal([]);
    expect(of(report.passes, 'memoryStore').length).to.be.greaterThan(40);
  });

  for (const [store, cases] of Object.entries(BROKEN)) {
    it(`fails ${store} in ${cases.length === 1 ? 'the case' : 'each case'} that checks what it breaks`, () => {
      const failed = of(report.failures, store);
      for (const title of cases) expect(failed.some((f) => f.startsWith(title)), `${store} fails "${title}"; it failed: ${JSON.stringify(failed)}`).to.equal(true);
    });
  }

  it('runs the same cases for every store', () => {
    const all = (store: string) => [...of(report.passes, store), ...of(report.failures, store), ...of(report.pending, store)].sort();
    for (const store of Object.keys(BROKEN)) expect(all(store)).to.deep.equal(all('memoryStore'));
  });
});
