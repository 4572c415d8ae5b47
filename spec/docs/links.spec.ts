import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { documentationPages } from './markdown.js';

// Every relative link of README.md, CHANGELOG.md and docs/ names a file that exists, and every
// #anchor a heading of that file (GitHub's slugs).

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// The concept pages the README must reach (each written with the issue that built the concept).
const CONCEPT_PAGES = ['docs/security.md', 'docs/reliability.md', 'docs/login-protection.md', 'docs/browser.md', 'bench/README.md', 'docs/mutation.md'];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-');
}

function headings(file: string): Set<string> {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#+\s+(.*)$/gm)].map((m) => slug(m[1]!)));
}

interface Link { readonly page: string; readonly target: string; readonly anchor: string; readonly text: string }

function links(): Link[] {
  const pages = [...documentationPages(ROOT), { file: 'CHANGELOG.md', text: readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8') }];
  return pages.flatMap(({ file, text }) => [...text.replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/.test(href))
    .map((href) => {
      const [path, anchor = ''] = href.split('#');
      const target = path ? relative(ROOT, normalize(join(ROOT, dirname(file), path))) : file;
      return { page: file, target, anchor, text: href };
    }));
}

describe('documentation links', function () {
  const checked = links();

  it('finds the links of README.md and docs/', function () {
    expect(checked.length).to.be.at.least(50);
  });

  it('points every link at a file that exists', function () {
    const broken = checked.filter((l) => !existsSync(join(ROOT, l.target))).map((l) => `${l.page}: ${l.text}`);
    expect(broken, broken.join('\n')).to.deep.equal([]);
  });

  it('points every #anchor at a heading of its page', function () {
    const broken = checked.filter((l) => l.anchor && l.target.endsWith('.md') && !headings(l.target).has(l.anchor)).map((l) => `${l.page}: ${l.text}`);
    expect(broken, broken.join('\n')).to.deep.equal([]);
  });

  it('names only lib/ files that exist (a moved module leaves no stale path behind)', function () {
    const pages = [...documentationPages(ROOT), { file: 'CHANGELOG.md', text: readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8') }];
    const named = pages.flatMap(({ file, text }) => [...text.matchAll(/\blib\/[\w./-]+\.ts\b/g)].map((m) => `${file}: ${m[0]}`));
    expect(named.length).to.be.at.least(20);
    const stale = named.filter((entry) => !existsSync(join(ROOT, entry.split(': ')[1]!)));
    expect(stale, stale.join('\n')).to.deep.equal([]);
  });

  it('links to every concept page from the documentation', function () {
    const linked = new Set(checked.map((l) => l.target));
    expect(CONCEPT_PAGES.filter((page) => !linked.has(page))).to.deep.equal([]);
  });
});
