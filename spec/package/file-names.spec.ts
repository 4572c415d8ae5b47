import { basename, relative } from 'node:path';
import { expect } from 'chai';
import { LIB, ROOT, libFiles } from '../helpers/lib-files.js';

// Every module of lib/ has a name no other module has, so that a name alone (in a stack trace, an
// editor tab, a mutation report, a review comment) says which file is meant, and says what it
// holds rather than which folder it sits in: `token-cache.ts` and `revocation-cache.ts`, not two
// `cache.ts`.

describe('lib/ file names', () => {
  let files: string[];
  before(() => {
    files = libFiles(LIB).map((file) => relative(ROOT, file)).sort();
  });

  it('finds the files of lib/, in its sub-folders too', () => {
    expect(files).to.include('lib/index.ts');
    expect(files).to.include('lib/stores/store.ts');
    expect(files.some((file) => file.split('/').length > 3), 'a file two folders down').to.equal(true);
  });

  it('are each used once, whatever the folder', () => {
    const byName = new Map<string, string[]>();
    for (const file of files) byName.set(basename(file), [...(byName.get(basename(file)) ?? []), file]);
    const repeated = [...byName.values()].filter((paths) => paths.length > 1).map((paths) => paths.join(', '));
    expect(repeated, `file names used more than once in lib/:\n${repeated.join('\n')}`).to.deep.equal([]);
  });
});
