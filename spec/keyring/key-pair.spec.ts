import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import ts from 'typescript';

// Node 20 deadlocks when a garbage collection frees the job that generated a key while that
// key is being exported as a JWK (ExportJWKEcKey holds the key's mutex and allocates; the job's
// destructor takes the same mutex). Measured here with plain node and a 1 MB young generation:
// 6,000 generate-and-export rounds hung 3 runs of 4 after ~0.4 s of CPU; re-imported through
// PEM (detachedKeyPair) none hangs. The rounds run in a child process of plain node, on
// lib/keyring/key-pair.ts transpiled as it is (under tsx the hang did not show): a hang blocks
// the child's main thread for good, which no timer inside it could report.

const SOURCE = fileURLToPath(new URL('../../lib/keyring/key-pair.ts', import.meta.url));
const ROUNDS = 6000;

describe('detachedKeyPair: generated keys exported as JWKs', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-key-pair-'));
    const js = ts.transpileModule(readFileSync(SOURCE, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, 'key-pair.mjs'), js);
    writeFileSync(join(dir, 'rounds.mjs'), `import { generateKeyPairSync } from 'node:crypto';
import { detachedKeyPair } from './key-pair.mjs';
let kept = [];
for (let i = 0; i < ${ROUNDS}; i++) {
  const { privateKey } = detachedKeyPair(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
  kept.push(privateKey.export({ format: 'jwk' }));
  if (kept.length > 100) kept = [];
}
console.log('exported ${ROUNDS}');
`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`${ROUNDS} EC keys generated and exported as JWKs under constant garbage collection never hang the process`, async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--max-semi-space-size=1', join(dir, 'rounds.mjs')], { timeout: 150_000, killSignal: 'SIGKILL' }, (err, stdout) => {
        if (err) reject(new Error(`the child did not finish (hung, or failed): ${err.message}`));
        else resolve(stdout);
      });
    });
    expect(output.trim()).to.equal(`exported ${ROUNDS}`);
  });
});
