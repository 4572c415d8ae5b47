import type { z } from 'zod';
import { deepFreeze, type FreezeFilter } from '../deep-freeze.js';
import { ConfigError } from '../errors.js';
import { configSchema } from './schema.js';
import { type ConfigEnvironment, currentEnvironment } from './environment.js';
import { loadKeyMaterial } from './load-keys.js';
import { applyRules } from './rules.js';
import type { KoaJwtConfig, ParsedConfig, ParsedOptions } from './types.js';

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

type Issue = z.core.$ZodIssue;

/**
 * For a value that matched no branch of a union ("a cookie name or { name, … }"), the issue
 * of the branch the user evidently meant: the one that got deepest into the value, else the
 * union's own message, else the one of the right type but a wrong value.
 */
function unionIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const firsts = issue.errors.map((branch) => branch[0]).filter((i): i is Issue => i !== undefined);
  const deepest = firsts.reduce<Issue | undefined>((best, i) => (i.path.length > (best?.path.length ?? 0) ? i : best), undefined);
  const pick = deepest
    ?? (/^Invalid input$/.test(issue.message) ? firsts.find((i) => i.code !== 'invalid_type' && i.code !== 'invalid_union') : undefined);
  if (!pick) return issue;
  return unionIssue({ ...pick, path: [...issue.path, ...pick.path] } as Issue);
}

/** The first schema problem, as one ConfigError naming its path. */
function firstIssue(error: z.ZodError): ConfigError {
  const issue = unionIssue(error.issues[0]!);
  const base = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return new ConfigError(base ? `${base}.${key}` : key, 'unknown option');
  }
  return new ConfigError(base || 'config', issue.message.replace(/^Invalid (input|option): /, ''));
}

// Freezes the plain option objects and the arrays (not what an array holds); the store, the
// users provider, the key material as configured (a user's own JWK objects) and the imported
// keys are live objects owned by their modules and are left as they are.
const LIVE = new Set(['store', 'users']);
const MATERIAL = new Set(['secret', 'privateKey', 'publicKey', 'encryptionKey']);
const optionObjects = (top: object): FreezeFilter => (member, key, parent) => (
  !Array.isArray(parent) && !(parent === top && LIVE.has(key)) && !MATERIAL.has(key)
  && (Array.isArray(member) || Object.getPrototypeOf(member) === Object.prototype)
);

/**
 * Parses a KoaJwtConfig once, with the one schema (lib/config/schema.ts) and the rules between
 * options (lib/config/rules.ts), into frozen ParsedOptions: defaults applied, durations in
 * seconds. Pure: it reads no file and no environment variable (`environment` is what the
 * defaults need) and imports no key. Throws one ConfigError naming the first wrong path.
 *
 * @example
 * ```ts
 * const options = parseConfig({ keys: { secret: 'env:JWT_SECRET' }, users }, currentEnvironment());
 * options.token.expiresIn; // 300
 * ```
 */
export function parseConfig(input: KoaJwtConfig, environment: ConfigEnvironment): ParsedOptions {
  if (typeof input !== 'object' || input === null) throw new ConfigError('config', 'expected an object');
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw firstIssue(parsed.error);
  const options = applyRules(parsed.data, environment);
  return deepFreeze(options, optionObjects(options));
}

/**
 * Both steps of start-up's config: parseConfig(), then loadKeyMaterial() (keys read and
 * imported), frozen. It builds nothing live: koaJwt() makes the keyring, the remote key source
 * and the default store.
 *
 * @example
 * ```ts
 * const config = resolveConfig({ keys: { secret: process.env.JWT_SECRET }, users });
 * config.keys.static.length; // 1
 * ```
 */
export function resolveConfig(input: KoaJwtConfig, environment: ConfigEnvironment = currentEnvironment()): ParsedConfig {
  const config = loadKeyMaterial(parseConfig(input, environment));
  return deepFreeze(config, optionObjects(config));
}
