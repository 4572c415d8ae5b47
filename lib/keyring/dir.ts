import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { type Algorithm, isAlgorithm } from './algorithms.js';
import { createKey, isValidKid, KEY_STATES, type Key, type KeyState } from './key.js';
import type { JwkObject, KeyMaterial } from './material.js';

/**
 * A key directory (`keys.dir`): one PEM or JWK file per kid and `manifest.json`, which gives
 * each key its algorithm, state and place. The manifest's order is the keyring's order, so the
 * first `active` key of the signing algorithm signs (node-oidc-provider's convention).
 *
 * ```json
 * { "keys": [
 *   { "kid": "2026-11", "alg": "ES256", "state": "active", "file": "2026-11.pem", "createdAt": "2026-11-01T00:00:00.000Z" },
 *   { "kid": "2026-12", "alg": "ES256", "state": "next",   "file": "2026-12.pem", "createdAt": "2026-11-28T00:00:00.000Z" }
 * ] }
 * ```
 */
export interface KeyManifest {
  keys: ManifestEntry[];
}

export interface ManifestEntry {
  kid: string;
  alg: Algorithm;
  state: KeyState;
  /** File name inside the directory: a PEM (private or public) or a JWK in JSON. */
  file: string;
  createdAt?: string;
  /** When the key may go (informational: shown by `keys list` and keyring.list()). */
  notAfter?: string;
}

export const MANIFEST = 'manifest.json';

const isoDate = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/** Reads and checks `<dir>/manifest.json`. A directory without one is an empty key set. */
export function readManifest(dir: string, path = 'keys.dir'): KeyManifest {
  const file = join(resolve(dir), MANIFEST);
  if (!existsSync(resolve(dir))) throw new ConfigError(path, `the key directory ${resolve(dir)} does not exist`);
  if (!existsSync(file)) return { keys: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(path, `${file} is not valid JSON: ${(err as Error).message}`);
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw new ConfigError(path, `${file} needs a "keys" array`);
  const seen = new Set<string>();
  keys.forEach((entry: Partial<ManifestEntry>, i) => {
    const at = `${path}: ${MANIFEST} keys[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new ConfigError(at, 'expected an object');
    if (!isValidKid(entry.kid)) throw new ConfigError(`${at}.kid`, 'a kid is 1 to 128 printable ASCII characters');
    if (seen.has(entry.kid)) throw new ConfigError(`${at}.kid`, `two keys have the kid ${entry.kid}`);
    seen.add(entry.kid);
    if (!isAlgorithm(entry.alg)) throw new ConfigError(`${at}.alg`, `unknown algorithm ${JSON.stringify(entry.alg)}`);
    if (!KEY_STATES.includes(entry.state as KeyState)) throw new ConfigError(`${at}.state`, `expected one of ${KEY_STATES.join(', ')}`);
    // A file name, never a path: the manifest cannot point outside its directory.
    if (typeof entry.file !== 'string' || entry.file !== basename(entry.file) || entry.file.startsWith('.')) {
      throw new ConfigError(`${at}.file`, 'expected a file name inside the key directory');
    }
    for (const field of ['createdAt', 'notAfter'] as const) {
      if (entry[field] !== undefined && !isoDate(entry[field])) throw new ConfigError(`${at}.${field}`, 'expected an ISO 8601 date');
    }
  });
  return { keys: keys as ManifestEntry[] };
}

/** Writes the manifest atomically (a reader never sees half a file). */
export function writeManifest(dir: string, manifest: KeyManifest): void {
  const file = join(resolve(dir), MANIFEST);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, file);
}

/** The material of one manifest entry: a JWK object for `.json`/`.jwk`, else the PEM text. */
function readMaterial(dir: string, entry: ManifestEntry, path: string): KeyMaterial {
  const file = join(resolve(dir), entry.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(path, `cannot read ${file}: ${(err as Error).message}`);
  }
  // The text is the key: `file:`/`env:` references are for configs, and followed from a key
  // file they would reach outside the directory the manifest is confined to.
  if (/^\s*(file|env):/.test(text)) throw new ConfigError(path, `${file} holds a file: or env: reference; a key file holds the key itself`);
  if (!text.trimStart().startsWith('{')) return text;
  try {
    return JSON.parse(text) as JwkObject;
  } catch (err) {
    throw new ConfigError(path, `${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function isPrivate(material: KeyMaterial): boolean {
  if (typeof material === 'string') return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(material);
  return typeof (material as JwkObject).d === 'string';
}

/**
 * Loads every key of a key directory, in manifest order, as keyring keys. A private key signs
 * (when active) and verifies; a public key only verifies.
 *
 * @example
 * ```ts
 * const keys = loadKeyDir('keys/', ['ES256']); // → Key[] in manifest order
 * ```
 */
export function loadKeyDir(dir: string, algorithms: readonly Algorithm[], path = 'keys.dir'): Key[] {
  const manifest = readManifest(dir, path);
  return manifest.keys.map((entry, i) => {
    const at = `${path}: ${MANIFEST} keys[${i}]`;
    if (!algorithms.includes(entry.alg)) throw new ConfigError(`${at}.alg`, `${entry.alg} is not one of keys.algorithm (${algorithms.join(', ')})`);
    const material = readMaterial(dir, entry, `${at}.file`);
    const spec = entry.alg.startsWith('HS')
      ? { kid: entry.kid, alg: entry.alg, secret: typeof material === 'string' ? material.trim() : material }
      : { kid: entry.kid, alg: entry.alg, ...(isPrivate(material) ? { privateKey: material } : { publicKey: material }) };
    return createKey(spec, {
      state: entry.state, verifies: algorithms, path: at,
      ...(entry.createdAt ? { createdAt: new Date(entry.createdAt) } : {}),
      ...(entry.notAfter ? { notAfter: new Date(entry.notAfter) } : {}),
    });
  });
}
