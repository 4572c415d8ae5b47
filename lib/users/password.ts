import { pbkdf2, randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { KoaJwtError } from '../errors.js';
import { currentPasswordScope, outsidePasswordScope } from './password-scope.js';

// scrypt with Django's default cost (N = 2^14, r = 8, p = 1): memory-hard, in node:crypto.
const N = 16384, R = 8, P = 1, KEYLEN = 32;
/** The scrypt parameters of a new hash (hashPassword, and memoryUsers' synchronous hashing). */
export const SCRYPT = { keylen: KEYLEN, options: { N, r: R, p: P, maxmem: 64 * 1024 * 1024 } } as const;

/** `scrypt$N$r$p$salt$hash` (base64url) of a hash made with SCRYPT: the format verifyPassword reads. */
export const scryptString = (salt: Buffer, hash: Buffer): string => `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;

// Django's PBKDF2 hashers (django.contrib.auth.hashers): `<algorithm>$<iterations>$<salt>$<base64 hash>`,
// the hash as long as the digest. The iteration cap keeps one stored hash from costing seconds.
const DJANGO_PBKDF2 = { pbkdf2_sha256: { digest: 'sha256', bytes: 32 }, pbkdf2_sha1: { digest: 'sha1', bytes: 20 } } as const;
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

function pbkdf2Async(password: string, salt: string, iterations: number, keylen: number, digest: string): Promise<Buffer> {
  return new Promise((resolve, reject) => pbkdf2(password, salt, iterations, keylen, digest, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A hash on the thread pool, inside the current login's bound when there is one. */
function bounded<T>(task: () => Promise<T>): Promise<T> {
  const scope = currentPasswordScope();
  return scope ? scope.hash(task) : task();
}

/**
 * Hashes a password with scrypt into `scrypt$N$r$p$salt$hash` (base64url), a self-describing
 * string that verifyPassword reads back, cost included.
 *
 * @example
 * ```ts
 * const passwordHash = await hashPassword('correct horse');
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError('hashPassword: password must be a non-empty string');
  const salt = randomBytes(16);
  const hash = await bounded(() => scryptAsync(password, salt, SCRYPT.keylen, SCRYPT.options));
  return scryptString(salt, hash);
}

type Parsed =
  | { kind: 'scrypt'; n: number; r: number; p: number; salt: Buffer; expected: Buffer }
  | { kind: 'pbkdf2'; digest: string; iterations: number; salt: string; expected: Buffer };

/** A stored hash this module can check, or undefined for anything malformed. */
function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts[0] === 'scrypt') {
    if (parts.length !== 6) return undefined;
    const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
    // scrypt wants N a power of two above 1; the cost caps keep a stored hash from costing minutes.
    if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n < 2 || (n & (n - 1)) !== 0 || n > 1 << 20 || r > 32 || p > 16) return undefined;
    const expected = Buffer.from(parts[5]!, 'base64url');
    if (expected.length === 0 || expected.length > 1024) return undefined;
    return { kind: 'scrypt', n, r, p, salt: Buffer.from(parts[4]!, 'base64url'), expected };
  }
  const django = Object.prototype.hasOwnProperty.call(DJANGO_PBKDF2, parts[0]!) ? DJANGO_PBKDF2[parts[0] as keyof typeof DJANGO_PBKDF2] : undefined;
  if (django) {
    // Django splits at the first three '$' only; a salt never holds one (get_random_string).
    if (parts.length !== 4 || !/^[1-9]\d{0,9}$/.test(parts[1]!) || parts[2] === '' || !BASE64.test(parts[3]!)) return undefined;
    const iterations = Number(parts[1]);
    const expected = Buffer.from(parts[3]!, 'base64');
    if (iterations > MAX_PBKDF2_ITERATIONS || expected.length !== django.bytes) return undefined;
    return { kind: 'pbkdf2', digest: django.digest, iterations, salt: parts[2]!, expected };
  }
  return undefined;
}

/**
 * True when `stored` should be replaced by a fresh hashPassword() result: a Django PBKDF2 hash,
 * or scrypt with a lower cost or other parameters than hashPassword uses today.
 *
 * @example
 * ```ts
 * if (await verifyPassword(input, user.hash) && needsRehash(user.hash)) user.hash = await hashPassword(input);
 * ```
 */
export function needsRehash(stored: string): boolean {
  const parsed = typeof stored === 'string' ? parse(stored) : undefined;
  if (!parsed) return false;
  if (parsed.kind === 'pbkdf2') return true;
  return parsed.n < N || parsed.r !== R || parsed.p !== P || parsed.expected.length < KEYLEN;
}

/**
 * True when `password` matches `stored`: a hashPassword result (scrypt), or a hash brought from
 * Django (`pbkdf2_sha256$…`, `pbkdf2_sha1$…`). The comparison is constant time; a malformed
 * `stored` is false, never an exception. Inside a login, a match against an outdated hash is
 * reported so that the login can store a new one (UserProvider.updatePasswordHash).
 *
 * @example
 * ```ts
 * if (await verifyPassword(input, user.passwordHash)) { ... }
 * await verifyPassword('secret', 'pbkdf2_sha256$870000$Qx…$Zm9v…'); // a Django user's hash
 * ```
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof stored !== 'string') return false;
  const parsed = parse(stored);
  if (!parsed) return false;
  let actual: Buffer;
  try {
    actual = await bounded(() => (parsed.kind === 'scrypt'
      ? scryptAsync(password, parsed.salt, parsed.expected.length, { N: parsed.n, r: parsed.r, p: parsed.p, maxmem: 256 * parsed.n * parsed.r + 32 * 1024 * 1024 })
      : pbkdf2Async(password, parsed.salt, parsed.iterations, parsed.expected.length, parsed.digest)));
  } catch (err) {
    // A refusal by the login's bound (429) or its end (deadline, client gone) is the login's answer;
    // anything else is parameters node:crypto refuses (memory limits): a malformed hash.
    if (err instanceof KoaJwtError) throw err;
    return false;
  }
  const ok = timingSafeEqual(actual, parsed.expected);
  if (ok && needsRehash(stored)) currentPasswordScope()?.markOutdated();
  return ok;
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password, made once. An unknown username is checked against it so that
 * "no such user" costs the same scrypt as "wrong password" and timing does not tell them apart.
 */
export function dummyHash(): Promise<string> {
  // Made outside any login: it is shared by all of them, and a refused slot must not poison it.
  dummy ??= outsidePasswordScope(() => hashPassword(randomBytes(16).toString('hex')));
  return dummy;
}
