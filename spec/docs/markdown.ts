import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A fenced code block of a Markdown page. The HTML comments on the lines right above its fence
 * say how the examples spec treats it: `<!-- fragment -->` (not a whole program: skipped, and
 * counted) and `<!-- given: <TypeScript> -->` (declarations the reader is told about in the
 * prose, prepended when it is type-checked).
 */
export interface CodeBlock {
  /** The page, relative to the repository root (`README.md`, `docs/stores.md`). */
  readonly file: string;
  /** 1-based line of the first line of code (the one after the opening fence). */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
  readonly fragment: boolean;
  readonly given: string;
  /** The `<!-- name -->` markers above the fence, e.g. `demo-curl`. */
  readonly markers: readonly string[];
}

const FENCE = /^```(\S*)\s*$/;
const COMMENT = /^<!--\s*(.*?)\s*-->$/;

/**
 * Every fenced block of a Markdown text, with the markers above it.
 *
 * @example
 * ```ts
 * codeBlocks('README.md', readFileSync('README.md', 'utf8')).filter((b) => b.lang === 'ts');
 * ```
 */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const markers: string[] = [];
    for (let j = i - 1; j >= 0; j--) {
      const comment = COMMENT.exec(lines[j]!.trim());
      if (!comment) break;
      markers.unshift(comment[1]!);
    }
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    const given = markers.filter((m) => m.startsWith('given:')).map((m) => m.slice('given:'.length).trim()).join('; ');
    blocks.push({
      file, line: i + 2, lang: open[1]!, code: lines.slice(i + 1, end).join('\n'),
      fragment: markers.includes('fragment'), given, markers,
    });
    i = end;
  }
  return blocks;
}

/**
 * README.md and every page of docs/ (the user documentation whose examples are checked).
 *
 * @example
 * ```ts
 * for (const page of documentationPages(ROOT)) console.log(page.file);
 * ```
 */
export function documentationPages(root: string): Array<{ file: string; text: string }> {
  const docs = join(root, 'docs');
  const files = [join(root, 'README.md'), ...readdirSync(docs).filter((f) => f.endsWith('.md')).sort().map((f) => join(docs, f))];
  return files.map((path) => ({ file: relative(root, path), text: readFileSync(path, 'utf8') }));
}
