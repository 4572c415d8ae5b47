import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { KoaJwtConfig } from '../config/types.js';
import { koaJwt } from '../koa-jwt.js';
import type { UserProvider } from '../users/provider.js';
import { type CliIo, processIo } from './keys.js';

const HELP = `Usage: koa-jwt-auth jwks --config <file>

Prints the JWKS (GET /.well-known/jwks.json) that a config would publish: the public parts of
its asymmetric keys in next, active and retired state, from keys.privateKey/publicKey, keys.dir
and, with keys.rotation, its store.

Options:
  --config <file>  a JSON config, or a module whose default export (or export "config") is a
                   config or a function returning one
  -h, --help       show this help`;

// Printing keys needs no users; a config that signs must still name some to be accepted.
const NO_USERS: UserProvider = {
  authenticate: async () => undefined,
  findById: async () => undefined,
  findByUsername: async () => undefined,
};

/** Reads a config from JSON or from a module's default (or `config`) export. */
export async function loadConfig(file: string): Promise<KoaJwtConfig> {
  const path = resolve(file);
  if (path.endsWith('.json')) return JSON.parse(readFileSync(path, 'utf8')) as KoaJwtConfig;
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown; config?: unknown };
  const exported = mod.default ?? mod.config;
  const config = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  if (typeof config !== 'object' || config === null) throw new Error(`${file} exports no config (a default export or "config")`);
  return config as KoaJwtConfig;
}

/**
 * `koa-jwt-auth jwks --config <file>`: prints the JWKS the config would publish. Resolves the
 * exit code.
 *
 * @example
 * ```ts
 * await jwksCommand(['--config', 'auth.config.json']); // { "keys": [ … ] }
 * ```
 */
export async function jwksCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    io.err(`jwks: ${(err as Error).message}`);
    return 2;
  }
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (!values.config) {
    io.err(`jwks: --config is required\n\n${HELP}`);
    return 2;
  }
  try {
    const config = await loadConfig(values.config);
    const auth = koaJwt({ ...config, users: config.users ?? NO_USERS });
    try {
      await auth.ready();
      io.out(JSON.stringify(auth.keyring.jwks(), null, 2));
    } finally {
      await auth.close();
    }
    return 0;
  } catch (err) {
    io.err(`jwks: ${(err as Error).message}`);
    return 1;
  }
}
