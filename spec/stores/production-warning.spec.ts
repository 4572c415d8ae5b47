import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { MEMORY_STORE_WARNING, warnMemoryStoreInProduction } from '../../lib/stores/production-warning.js';
import type { Store } from '../../lib/stores/store.js';
import { testConfig } from '../helpers/app.js';
import { internalsOf } from '../../lib/internals.js';

const root = join(import.meta.dirname, '..', '..');
const app = join(root, 'fixtures', 'production-warning', 'app.ts');

/** Runs the fixture app in a fresh process (a restart), with NODE_ENV, and resolves the warnings it saw. */
function run(nodeEnv: string, services: string[]): Promise<{ code?: string; message: string }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', app, ...services], {
      cwd: root, env: { ...process.env, NODE_ENV: nodeEnv }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`fixture app exited ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

describe('start-up warning: memoryStore under NODE_ENV=production', function () {
  this.timeout(30_000); // each case starts a Node process and tsx

  it('warns once per process when issuing services run on the memory store, naming mongooseStore and the Store contract', async () => {
    const warnings = await run('production', ['issuer', 'issuer-explicit-memory', 'issuer']);
    const ours = warnings.filter((w) => w.code === MEMORY_STORE_WARNING);
    expect(ours).to.have.length(1);
    expect(ours[0]!.message).to.match(/mongooseStore/).and.to.match(/Store contract/).and.to.match(/koa-jwt-kit\/testing/).and.to.match(/restart/);
  });

  it('does not warn outside production', async () => {
    expect((await run('development', ['issuer'])).filter((w) => w.code === MEMORY_STORE_WARNING)).to.deep.equal([]);
  });

  it('does not warn for a verify-only service (it issues nothing a restart could revive)', async () => {
    expect((await run('production', ['verifier'])).filter((w) => w.code === MEMORY_STORE_WARNING)).to.deep.equal([]);
  });

  describe('the rule', () => {
    const emitted = (store: Store | undefined, env = 'production') => {
      const messages: string[] = [];
      const auth = koaJwt(testConfig(store ? { store } : {}));
      warnMemoryStoreInProduction(internalsOf(auth).config, { env, emit: (m) => messages.push(m), once: new Set() });
      return messages;
    };

    it('warns for the default store and for an explicit memoryStore()', () => {
      expect(emitted(undefined)).to.have.length(1);
      expect(emitted(memoryStore())).to.have.length(1);
    });

    it('does not warn for another store, even one that wraps a memory store', () => {
      const inner = memoryStore();
      expect(emitted({ ...inner })).to.deep.equal([]);
    });

    it('does not warn when NODE_ENV is not production', () => {
      expect(emitted(undefined, 'test')).to.deep.equal([]);
    });
  });
});
