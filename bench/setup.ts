import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KoaJwtConfig } from '../lib/config/types.js';
import { koaJwt, type KoaJwt } from '../lib/koa-jwt.js';
import { memoryUsers } from '../lib/users/memory-users.js';

// Shared by the micro and HTTP benchmarks: the parent process makes the key material once and
// hands it to every server process, so that every app verifies the very same token.

export type BenchAlg = 'HS256' | 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
export const BENCH_ALGS: readonly BenchAlg[] = ['HS256', 'RS256', 'PS256', 'ES256', 'EdDSA'];
type AsymmetricAlg = Exclude<BenchAlg, 'HS256'>;

/** Key material for every benchmarked algorithm, as strings (it travels through an env var). */
export interface Fixture {
  secret: string;
  privateKeys: Record<AsymmetricAlg, string>;
  publicKeys: Record<AsymmetricAlg, string>;
}

export function makeFixture(): Fixture {
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding, publicKeyEncoding });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding, publicKeyEncoding });
  const ed = generateKeyPairSync('ed25519', { privateKeyEncoding, publicKeyEncoding });
  return {
    secret: randomBytes(32).toString('base64url'),
    // RS256 and PS256 share one RSA key, as a service that offers both would.
    privateKeys: { RS256: rsa.privateKey, PS256: rsa.privateKey, ES256: ec.privateKey, EdDSA: ed.privateKey },
    publicKeys: { RS256: rsa.publicKey, PS256: rsa.publicKey, ES256: ec.publicKey, EdDSA: ed.publicKey },
  };
}

export interface AuthOptions {
  /** The verified-token cache (token.cache): on by default, as in the library. */
  cache?: boolean;
  /** userLookup: 'provider' (the default: memoryUsers' findById on every request) or 'token'. */
  lookup?: 'provider' | 'token';
  /** The in-process revocation cache (blacklist.cache). */
  blacklistCache?: boolean;
  /** More config, given last (the store benchmarks: `store`, `refresh`, `throttle`). */
  config?: Partial<KoaJwtConfig>;
}

/**
 * A koaJwt instance for `alg` over the fixture's key. Without options it is the default config
 * a user writes (memoryUsers, provider lookup, token cache on): benchmarks report that first.
 */
export function makeAuth(alg: BenchAlg, fixture: Fixture, options: AuthOptions = {}): KoaJwt {
  const keys = alg === 'HS256' ? { algorithm: alg, secret: fixture.secret } : { algorithm: alg, privateKey: fixture.privateKeys[alg] };
  return koaJwt({
    keys,
    // A precomputed-looking hash keeps start-up free of scrypt; nobody logs in here.
    users: memoryUsers([{ id: '1', username: 'alice', passwordHash: 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }]),
    userLookup: options.lookup ?? 'provider',
    token: { expiresIn: '1h', cache: options.cache === false ? false : { max: 10_000 } },
    ...(options.blacklistCache ? { blacklist: { cache: true, cacheSeconds: 5 } } : {}),
    ...options.config,
  });
}

/** A token of user 1 signed by `auth`. */
export async function tokenOf(auth: KoaJwt): Promise<string> {
  return (await auth.issue({ id: '1', username: 'alice' })).token;
}

/** `token` with its signature's last four characters replaced: well formed (canonical base64url), known kid, forged. */
export function forge(token: string): string {
  // 'A' and 'Q' leave the unused low bits of a last character zero, so the parser lets it through to the signature check.
  const tail = token.slice(-4) === 'AAAA' ? 'QQQQ' : 'AAAA';
  return `${token.slice(0, -4)}${tail}`;
}
