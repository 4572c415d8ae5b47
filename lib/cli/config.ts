import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KoaJwtConfig } from '../config/types.js';
import { CliFailure } from './command.js';

/** Looked for in the working directory when --config is not given. */
export const DEFAULT_CONFIG_FILES = ['koa-jwt-kit.config.js', 'koa-jwt-kit.config.mjs', 'koa-jwt-kit.config.ts', 'koa-jwt-kit.config.json'];

// A real dynamic import in both builds: the CommonJS build would otherwise turn import() into require().
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

async function importModule(file: string): Promise<Record<string, unknown>> {
  if (extname(file) === '.ts' && !process.execArgv.join(' ').includes('tsx') && !process.env.KOA_JWT_KIT_TSX) {
    try {
      // What `node --import tsx` does: registers tsx's loader for every later import.
      await dynamicImport('tsx');
    } catch {
      throw new CliFailure(`${file}: a .ts config needs tsx (npm install --save-dev tsx), or compile it to .js`);
    }
  }
  return dynamicImport(pathToFileURL(file).href);
}

/**
 * Loads a KoaJwtConfig from a .js/.mjs/.cjs/.ts module (default export or `config`, or a
 * function returning one) or a .json file.
 *
 * @example
 * ```ts
 * const config = await loadConfigModule('config/auth.mjs', process.cwd());
 * ```
 */
export async function loadConfigModule(path: string | undefined, cwd: string): Promise<KoaJwtConfig> {
  const file = path !== undefined ? resolve(cwd, path) : DEFAULT_CONFIG_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  if (file === undefined) throw new CliFailure(`no config: give --config <module> or create ${DEFAULT_CONFIG_FILES[0]}`);
  if (!existsSync(file)) throw new CliFailure(`${file}: no such file`);
  let value: unknown;
  try {
    if (extname(file) === '.json') value = JSON.parse(readFileSync(file, 'utf8'));
    else {
      const mod = await importModule(file);
      value = mod.default ?? mod.config;
      // A CommonJS module imported as ESM: its exports object is the default.
      if (value && typeof value === 'object' && 'config' in value && !('keys' in value)) value = (value as { config: unknown }).config;
    }
    if (typeof value === 'function') value = await (value as () => unknown)();
  } catch (err) {
    if (err instanceof CliFailure) throw err;
    throw new CliFailure(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null) throw new CliFailure(`${file}: exports no config (a default export or \`config\`)`);
  return value as KoaJwtConfig;
}
