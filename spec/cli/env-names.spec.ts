import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

// The command's environment variables carry the package's name, KOA_JWT_KIT_* (CHANGELOG.md:
// the KOA_JWT_AUTH_* names of the package's old name are no longer read).
const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|cjs|js|mjs)$/.test(f))
    .map((f) => join(dir, f));
}

describe('the command\'s environment variables', () => {
  it('are named KOA_JWT_KIT_*, in bin/ and lib/ alike', () => {
    const files = [...sources('bin'), ...sources('lib')];
    const named = files.flatMap((f) => [...readFileSync(join(root, f), 'utf8').matchAll(/\bKOA_JWT_[A-Z]+_[A-Z_]+/g)].map((m) => `${f}: ${m[0]}`));
    expect(named.filter((n) => n.endsWith('_FROM_SOURCE') || n.endsWith('_TSX'))).to.have.length.greaterThan(0);
    expect(named.filter((n) => !/: KOA_JWT_KIT_/.test(n))).to.deep.equal([]);
  });
});
