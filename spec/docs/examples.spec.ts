import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { type CodeBlock, codeBlocks, documentationPages } from './markdown.js';

// Every TypeScript example of README.md and docs/ is type-checked against the build, as a
// project that ran `npm install koa-jwt-kit` would compile it. A block that is not a whole
// program is marked `<!-- fragment -->` and skipped; they are counted, so that marking
// everything cannot make this suite pass.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = existsSync(join(ROOT, 'dist/esm/index.d.ts'));
const SKIP_REASON = 'dist/ not built: run npm run build (npm test builds before the specs)';

// At least this many whole examples, and fragments at most this share of all TypeScript blocks.
const MIN_CHECKED = 30;
const MAX_FRAGMENT_SHARE = 0.15;

const isTypeScript = (block: CodeBlock): boolean => block.lang === 'ts' || block.lang === 'typescript';

/** A file name for a block: the page and the block's line, so a compiler error points at it. */
function fileFor(block: CodeBlock): string {
  return `${block.file.replace(/[/.]/g, '_')}_L${block.line}.ts`;
}

/** A scratch project whose node_modules holds this repository as koa-jwt-kit, beside its own dependencies. */
function scratchProject(): string {
  const project = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-examples-'));
  const modules = join(project, 'node_modules');
  mkdirSync(modules);
  symlinkSync(ROOT, join(modules, 'koa-jwt-kit'), 'dir');
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name.startsWith('.') || name === 'koa-jwt-kit') continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'examples', private: true, type: 'module' }));
  return project;
}

/** Runs the repository's tsc over the project; resolves its error lines (empty when it compiled). */
function typeCheck(project: string, files: readonly string[]): string[] {
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023'], types: ['node'],
      strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true,
    },
    files,
  }));
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    return [];
  } catch (err) {
    const out = String((err as { stdout?: string }).stdout ?? err);
    return out.split('\n').filter((l) => /error TS/.test(l));
  }
}

describe(BUILT ? 'documentation examples' : `documentation examples — skipped: ${SKIP_REASON}`, function () {
  this.timeout(180_000);
  const blocks = documentationPages(ROOT).flatMap((page) => codeBlocks(page.file, page.text)).filter(isTypeScript);
  const checked = blocks.filter((b) => !b.fragment);
  const fragments = blocks.filter((b) => b.fragment);
  let project: string;
  let errors: string[];

  before(function () {
    if (!BUILT) {
      console.log(`      ${SKIP_REASON}`);
      this.skip();
    }
    project = scratchProject();
    const files: string[] = [];
    for (const block of checked) {
      const name = fileFor(block);
      // A leading `given` line per block keeps the compiler's line numbers one off from the page's.
      writeFileSync(join(project, name), `${block.given}\n${block.code}\nexport {};\n`);
      files.push(name);
    }
    // A deliberate mistake: proves the declarations are really read, not resolved to any.
    writeFileSync(join(project, 'deliberate_mistake.ts'), "import { koaJwt } from 'koa-jwt-kit';\nkoaJwt({ keys: { secret: 42 } });\n");
    errors = typeCheck(project, [...files, 'deliberate_mistake.ts']);
    console.log(`      ${checked.length} TypeScript blocks type-checked, ${fragments.length} marked as fragments`);
  });
  after(() => { if (project) rmSync(project, { recursive: true, force: true }); });

  it(`type-checks at least ${MIN_CHECKED} whole examples, and marks at most ${MAX_FRAGMENT_SHARE * 100}% of the blocks as fragments`, function () {
    expect(checked.length).to.be.at.least(MIN_CHECKED);
    expect(fragments.length / blocks.length).to.be.at.most(MAX_FRAGMENT_SHARE);
  });

  it('finds a type error where there is one (the deliberate mistake)', function () {
    expect(errors.filter((e) => e.startsWith('deliberate_mistake.ts'))).to.have.length(1);
  });

  it('compiles every example of README.md and docs/ against the build', function () {
    const inExamples = errors.filter((e) => !e.startsWith('deliberate_mistake.ts')).map((e) => {
      const at = /^(\S+?)_L(\d+)\.ts\((\d+),(\d+)\): (.*)$/.exec(e);
      if (!at) return e;
      const block = checked.find((b) => fileFor(b) === `${at[1]}_L${at[2]}.ts`);
      // Line 1 of the file is the `given` line; line 2 is the block's first line.
      return block ? `${block.file}:${block.line + Number(at[3]) - 2}:${at[4]} ${at[5]}` : e;
    });
    expect(inExamples, inExamples.join('\n')).to.deep.equal([]);
  });
});
