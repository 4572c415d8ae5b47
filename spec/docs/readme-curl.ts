import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { codeBlocks } from './markdown.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/**
 * The command lines of README.md's shell block marked `<!-- <marker> -->` (comments and blank
 * lines left out), exactly as a reader copies them.
 *
 * @example
 * ```ts
 * const lines = readmeCurlLines('demo-curl'); // the lines the demo prints, for port 3000
 * ```
 */
export function readmeCurlLines(marker: string): string[] {
  const blocks = codeBlocks('README.md', readFileSync(README, 'utf8')).filter((b) => b.lang === 'sh' && b.markers.includes(marker));
  if (blocks.length !== 1) throw new Error(`README.md has ${blocks.length} sh blocks marked <!-- ${marker} -->, expected 1`);
  return blocks[0]!.code.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}
