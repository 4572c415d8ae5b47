import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root, and its lib/. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const LIB = join(ROOT, 'lib');

/** Every file below `dir`, sub-folders included, as absolute paths. */
export function libFiles(dir: string = LIB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return libFiles(path);
    return entry.isFile() ? [path] : [];
  });
}
