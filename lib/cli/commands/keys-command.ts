import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKeyPair } from '../../keyring/managed-rotation.js';
import { type Algorithm, ALGORITHMS, algorithmInfo, isAlgorithm } from '../../keyring/algorithms.js';
import { type KeyManifest, type ManifestEntry, MANIFEST, readManifest, writeManifest } from '../../keyring/dir.js';
import { thumbprint } from '../../keyring/key.js';
import { CliFailure, type Command, type CommandIo, EXIT, UsageError } from '../command.js';

// A kid from the CLI becomes a file name: keep it to a portable, unsurprising alphabet.
const FILE_SAFE_KID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SUBCOMMANDS = ['generate', 'list', 'promote', 'retire'] as const;

type Options = Readonly<Record<string, string | boolean | undefined>>;

function newKeyText(alg: Algorithm, format: 'pem' | 'jwk'): { text: string; thumb: string } {
  if (algorithmInfo(alg).family === 'secret') {
    const k = randomBytes(algorithmInfo(alg).hashBytes).toString('base64url');
    return { text: `${JSON.stringify({ kty: 'oct', k, alg })}\n`, thumb: randomBytes(6).toString('base64url') };
  }
  const { privateKey } = generateKeyPair(alg);
  const text = format === 'pem'
    ? privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
    : `${JSON.stringify({ ...(privateKey.export({ format: 'jwk' }) as object), alg }, null, 2)}\n`;
  return { text, thumb: thumbprint(privateKey) };
}

/**
 * `keys generate --secret`: a random HS secret on stdout, for `keys.secret` or an environment
 * variable; nothing is written. As many random bytes as the hash output (RFC 7518 §3.2), in
 * base64url: as a UTF-8 string it is longer than that, and it passes the weak-secret check.
 */
function generateSecret(options: Options, io: CommandIo): number {
  const alg = options.alg ?? 'HS256';
  if (!isAlgorithm(alg) || algorithmInfo(alg).family !== 'secret') throw new UsageError(`--secret makes a shared secret: --alg is HS256, HS384 or HS512 (got ${JSON.stringify(alg)})`);
  io.stdout(randomBytes(algorithmInfo(alg).hashBytes).toString('base64url'));
  return EXIT.ok;
}

function generate(dir: string, manifest: KeyManifest, options: Options, io: CommandIo): number {
  const alg = options.alg;
  if (!isAlgorithm(alg)) throw new UsageError(`--alg is required: one of ${ALGORITHMS.join(', ')} (got ${JSON.stringify(alg ?? null)})`);
  const state = (options.state as string | undefined) ?? (manifest.keys.length === 0 ? 'active' : 'next');
  if (state !== 'next' && state !== 'active') throw new UsageError('--state is next or active');
  const format = (options.format as string | undefined) ?? (algorithmInfo(alg).family === 'secret' ? 'jwk' : 'pem');
  if (format !== 'pem' && format !== 'jwk') throw new UsageError('--format is pem or jwk');
  const { text, thumb } = newKeyText(alg, format);
  const kid = (options.kid as string | undefined) ?? `${new Date().toISOString().slice(0, 10)}-${thumb.slice(0, 8)}`;
  if (!FILE_SAFE_KID.test(kid)) throw new UsageError('--kid may hold letters, digits, ".", "_" and "-" (it names the key file)');
  if (manifest.keys.some((k) => k.kid === kid)) throw new CliFailure(`${kid} is already in ${join(dir, MANIFEST)}`);
  const file = `${kid}.${format === 'pem' ? 'pem' : 'json'}`;
  // Private material: readable by its owner only; `wx` never overwrites an existing file.
  writeFileSync(join(dir, file), text, { mode: 0o600, flag: 'wx' });
  const entry: ManifestEntry = { kid, alg, state, file, createdAt: new Date().toISOString() };
  // An active key goes first, so it signs; a next key goes last, published and waiting.
  writeManifest(dir, { keys: state === 'active' ? [entry, ...manifest.keys] : [...manifest.keys, entry] });
  io.stdout(kid);
  return EXIT.ok;
}

function setState(dir: string, manifest: KeyManifest, kid: string | undefined, to: 'active' | 'retired', io: CommandIo): number {
  if (!kid) throw new UsageError('give the kid');
  const entry = manifest.keys.find((k) => k.kid === kid);
  if (!entry) throw new CliFailure(`no key ${kid} in ${join(dir, MANIFEST)}`);
  if (to === 'retired') {
    writeManifest(dir, { keys: manifest.keys.map((k) => (k.kid === kid ? { ...k, state: 'retired' as const } : k)) });
  } else {
    // The promoted key signs (first); the keys of its algorithm that were active are retired.
    const rest = manifest.keys.filter((k) => k.kid !== kid).map((k) => (k.state === 'active' && k.alg === entry.alg ? { ...k, state: 'retired' as const } : k));
    writeManifest(dir, { keys: [{ ...entry, state: 'active' }, ...rest] });
  }
  io.stdout(`${kid}: ${to}`);
  return EXIT.ok;
}

function list(manifest: KeyManifest, io: CommandIo): number {
  const rows = [['KID', 'ALG', 'STATE', 'CREATED', 'FILE'], ...manifest.keys.map((k) => [k.kid, k.alg, k.state, k.createdAt ?? '-', k.file])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) io.stdout(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  return EXIT.ok;
}

/**
 * `koa-jwt-kit keys generate|list|promote|retire`: manage a key directory (`keys.dir`).
 *
 * @example
 * ```sh
 * koa-jwt-kit keys generate --alg ES256 --dir keys/   # prints the new kid
 * koa-jwt-kit keys promote 2026-12-01-Lr0pW2nC
 * ```
 */
export const keysCommand: Command = {
  name: 'keys',
  summary: 'generate, list, promote and retire the keys of a key directory (keys.dir)',
  usage: 'keys generate --alg <ALG> [--kid <kid>] [--state next|active] [--format pem|jwk] [--dir keys/]\n       koa-jwt-kit keys generate --secret [--alg HS256|HS384|HS512]\n       koa-jwt-kit keys list | promote <kid> | retire <kid> [--dir keys/]',
  help: [
    'A key directory holds one key file per kid and manifest.json, whose order is the signing',
    'order: the first active key of the signing algorithm signs.',
    '',
    '  generate       write a new key file and add it to the manifest (default state: next, at',
    '                 the end; active, first, for the first key of an empty directory)',
    '  generate --secret  print a random shared secret for keys.secret (HS*); writes nothing',
    '  list           kid, alg, state, created and file of every key, in manifest order',
    '  promote <kid>  make <kid> the signing key (moved first); the previous signer is retired',
    '  retire <kid>   stop <kid> signing; it keeps verifying and stays published',
    '  --dir <dir>    the key directory (default: keys/)',
    '',
    'Rotation by hand: generate → deploy, wait jwks.maxAge → promote → deploy, wait',
    'refresh.expiresIn + token.leeway + jwks.maxAge → delete the entry and its file → deploy.',
  ].join('\n'),
  options: {
    dir: { type: 'string' },
    alg: { type: 'string' },
    kid: { type: 'string' },
    state: { type: 'string' },
    format: { type: 'string' },
    secret: { type: 'boolean' },
  },
  async run({ args, options, io }) {
    const [sub, kid, extra] = args;
    if (!sub) throw new UsageError(`give a command: ${SUBCOMMANDS.join(', ')}`);
    if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`unknown command keys ${sub}`);
    if (extra !== undefined || (sub === 'generate' || sub === 'list' ? kid !== undefined : false)) throw new UsageError(`unexpected argument ${extra ?? kid}`);
    if (sub === 'generate' && options.secret === true) return generateSecret(options, io);
    const dir = resolve(io.cwd, (options.dir as string | undefined) ?? 'keys/');
    if (sub === 'generate' && !existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    let manifest: KeyManifest;
    try {
      manifest = readManifest(dir, '--dir');
    } catch (err) {
      throw new CliFailure((err as Error).message);
    }
    switch (sub) {
      case 'generate': return generate(dir, manifest, options, io);
      case 'list': return list(manifest, io);
      case 'promote': return setState(dir, manifest, kid, 'active', io);
      default: return setState(dir, manifest, kid, 'retired', io); // 'retire'
    }
  },
};
