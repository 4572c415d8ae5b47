import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

// scrypt with Django's default cost (N = 2^14, r = 8, p = 1): memory-hard, in node:crypto.
const N = 16384, R = 8, P = 1, KEYLEN = 32;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
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
  const hash = await scryptAsync(password, salt, KEYLEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/**
 * True when `password` matches `stored` (a hashPassword result). The comparison is constant
 * time; a malformed `stored` is false, never an exception.
 *
 * @example
 * ```ts
 * if (await verifyPassword(input, user.passwordHash)) { ... }
 * ```
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof stored !== 'string') return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // scrypt wants N a power of two above 1; the cost caps keep a stored hash from costing minutes.
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n < 2 || (n & (n - 1)) !== 0 || n > 1 << 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length === 0 || expected.length > 1024) return false;
  try {
    const actual = await scryptAsync(password, salt, expected.length, { N: n, r, p, maxmem: 256 * n * r + 32 * 1024 * 1024 });
    return timingSafeEqual(actual, expected);
  } catch {
    return false; // parameters node:crypto refuses (memory limits): a malformed hash
  }
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password, made once. An unknown username is checked against it so that
 * "no such user" costs the same scrypt as "wrong password" and timing does not tell them apart.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
