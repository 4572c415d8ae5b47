import type { z } from 'zod';
import { deepFreeze, type FreezeFilter } from '../deep-freeze.js';
import { ConfigError } from '../errors.js';
import { configSchema } from './schema.js';
import type { KoaJwtConfig, ParsedConfig } from './types.js';

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
// users provider and the imported keys are live objects owned by their modules and are left as
// they are.
const LIVE = new Set(['store', 'users']);
const optionObjects = (top: object): FreezeFilter => (member, key, parent) => (
  !Array.isArray(parent) && !(parent === top && LIVE.has(key)) && (Array.isArray(member) || Object.getPrototypeOf(member) === Object.prototype)
);

/**
 * Parses a KoaJwtConfig once, with the one schema (lib/config/schema.ts), into a frozen
 * ParsedConfig: defaults applied, durations in seconds, keys imported as KeyObjects, every rule
 * between options checked. Throws one ConfigError naming the first wrong path. It builds
 * nothing live: koaJwt() makes the keyring, the remote key source and the default store.
 *
 * @example
 * ```ts
 * const parsed = resolveConfig({ keys: { secret: process.env.JWT_SECRET }, users });
 * parsed.token.expiresIn; // 300
 * ```
 */
export function resolveConfig(input: KoaJwtConfig): ParsedConfig {
  if (typeof input !== 'object' || input === null) throw new ConfigError('config', 'expected an object');
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw firstIssue(parsed.error);
  return deepFreeze(parsed.data, optionObjects(parsed.data));
}
