import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeyPair } from '../authority/rotation.js';
import { type Algorithm, algorithmInfo, isAlgorithm } from '../keyring/algorithms.js';
import { type KeyManifest, type ManifestEntry, readManifest, writeManifest } from '../keyring/dir.js';
import { thumbprint } from '../keyring/key.js';

/** Where a command writes; tests pass their own. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

const HELP = `Usage: koa-jwt-auth keys <command> [options]

Manage a key directory (keys.dir): one key file per kid and manifest.json, whose order is the
signing order (the first active key of the signing algorithm signs).

Commands:
  generate --alg <ALG> [--kid <kid>] [--state next|active] [--format pem|jwk]
                 write a new key file and add it to the manifest (default state: next,
                 or active for the first key of an empty directory)
  list           print kid, alg, state, created and file of every key, in manifest order
  promote <kid>  make <kid> the signing key (moved first); the previous signer is retired
  retire <kid>   stop <kid> signing; it keeps verifying and stays published

Options:
  --dir <dir>    the key directory (default: keys/)
  -h, --help     show this help

Rotation by hand: generate (next) → deploy and wait jwks.maxAge → promote → deploy →
wait refresh.expiresIn + token.leeway + jwks.maxAge → delete the entry and its file.`;

// A kid from the CLI becomes a file name: keep it to a portable, unsurprising alphabet.
const FILE_SAFE_KID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function generate(dir: string, manifest: KeyManifest, values: Record<string, string | boolean | undefined>, io: CliIo): number {
  const alg = values.alg;
  if (!isAlgorithm(alg)) {
    io.err(`keys generate: --alg is required: one of RS256 … EdDSA, HS256 … (got ${JSON.stringify(alg ?? null)})`);
    return 2;
  }
  const state = (values.state as string | undefined) ?? (manifest.keys.length === 0 ? 'active' : 'next');
  if (state !== 'next' && state !== 'active') {
    io.err('keys generate: --state is next or active');
    return 2;
  }
  const format = (values.format as string | undefined) ?? (algorithmInfo(alg).family === 'secret' ? 'jwk' : 'pem');
  if (format !== 'pem' && format !== 'jwk') {
    io.err('keys generate: --format is pem or jwk');
    return 2;
  }
  const { text, thumb } = newKeyText(alg, format);
  const kid = (values.kid as string | undefined) ?? `${new Date().toISOString().slice(0, 10)}-${thumb.slice(0, 8)}`;
  if (!FILE_SAFE_KID.test(kid)) {
    io.err('keys generate: --kid may hold letters, digits, ".", "_" and "-" (it names the key file)');
    return 2;
  }
  if (manifest.keys.some((k) => k.kid === kid)) {
    io.err(`keys generate: ${kid} is already in ${join(dir, 'manifest.json')}`);
    return 1;
  }
  const file = `${kid}.${format === 'pem' ? 'pem' : 'json'}`;
  // Private material: readable by its owner only; `wx` never overwrites an existing file.
  writeFileSync(join(dir, file), text, { mode: 0o600, flag: 'wx' });
  const entry: ManifestEntry = { kid, alg, state, file, createdAt: new Date().toISOString() };
  // An active key goes first, so it signs; a next key goes last, published and waiting.
  writeManifest(dir, { keys: state === 'active' ? [entry, ...manifest.keys] : [...manifest.keys, entry] });
  io.out(kid);
  return 0;
}

function newKeyText(alg: Algorithm, format: 'pem' | 'jwk'): { text: string; thumb: string } {
  if (algorithmInfo(alg).family === 'secret') {
    const k = randomBytes(algorithmInfo(alg).hashBytes).toString('base64url');
    return { text: `${JSON.stringify({ kty: 'oct', k, alg })}\n`, thumb: randomBytes(6).toString('hex') };
  }
  const { privateKey } = generateKeyPair(alg);
  const text = format === 'pem'
    ? privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
    : `${JSON.stringify({ ...(privateKey.export({ format: 'jwk' }) as object), alg }, null, 2)}\n`;
  return { text, thumb: thumbprint(privateKey) };
}

function setState(dir: string, manifest: KeyManifest, kid: string | undefined, to: 'active' | 'retired', io: CliIo): number {
  const command = to === 'active' ? 'promote' : 'retire';
  const entry = manifest.keys.find((k) => k.kid === kid);
  if (!kid || !entry) {
    io.err(`keys ${command}: ${kid ? `no key ${kid} in ${join(dir, 'manifest.json')}` : 'give the kid'}`);
    return kid ? 1 : 2;
  }
  if (to === 'retired') {
    writeManifest(dir, { keys: manifest.keys.map((k) => (k.kid === kid ? { ...k, state: 'retired' } : k)) });
  } else {
    // The promoted key signs (first); the keys of its algorithm that were active are retired.
    const rest = manifest.keys.filter((k) => k.kid !== kid).map((k) => (k.state === 'active' && k.alg === entry.alg ? { ...k, state: 'retired' as const } : k));
    writeManifest(dir, { keys: [{ ...entry, state: 'active' }, ...rest] });
  }
  io.out(`${kid}: ${to}`);
  return 0;
}

function list(manifest: KeyManifest, io: CliIo): number {
  const rows = [['KID', 'ALG', 'STATE', 'CREATED', 'FILE'], ...manifest.keys.map((k) => [k.kid, k.alg, k.state, k.createdAt ?? '-', k.file])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) io.out(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  return 0;
}

/**
 * `koa-jwt-auth keys …`: generate, list, promote and retire keys of a key directory.
 * Resolves the exit code.
 *
 * @example
 * ```ts
 * await keysCommand(['generate', '--alg', 'ES256', '--dir', 'keys/']); // prints the new kid
 * ```
 */
export async function keysCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        dir: { type: 'string', default: 'keys/' },
        alg: { type: 'string' },
        kid: { type: 'string' },
        state: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err(`keys: ${(err as Error).message}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, kid] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(HELP);
    return values.help ? 0 : 2;
  }
  if (!['generate', 'list', 'promote', 'retire'].includes(command)) {
    io.err(`keys: unknown command ${command}\n\n${HELP}`);
    return 2;
  }
  const dir = resolve(values.dir);
  try {
    if (command === 'generate' && !existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const manifest = readManifest(dir, '--dir');
    switch (command) {
      case 'generate': return generate(dir, manifest, values, io);
      case 'list': return list(manifest, io);
      case 'promote': return setState(dir, manifest, kid, 'active', io);
      default: return setState(dir, manifest, kid, 'retired', io);
    }
  } catch (err) {
    io.err(`keys ${command}: ${(err as Error).message}`);
    return 1;
  }
}
