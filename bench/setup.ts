import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { koaJwt, type KoaJwt } from '../lib/koa-jwt.js';
import { memoryUsers } from '../lib/users/memory.js';
import type { Algorithm } from '../lib/keyring/algorithms.js';

// Shared by the micro and HTTP benchmarks: the parent process makes the key material once and
// hands it to every server process, so that every app verifies the very same token.

export type BenchAlg = 'HS256' | 'RS256' | 'ES256' | 'EdDSA';
export const BENCH_ALGS: readonly BenchAlg[] = ['HS256', 'RS256', 'ES256', 'EdDSA'];

/** Key material for every benchmarked algorithm, as strings (it travels through an env var). */
export interface Fixture {
  secret: string;
  privateKeys: Record<Exclude<BenchAlg, 'HS256'>, string>;
  publicKeys: Record<Exclude<BenchAlg, 'HS256'>, string>;
}

export function makeFixture(): Fixture {
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding, publicKeyEncoding });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding, publicKeyEncoding });
  const ed = generateKeyPairSync('ed25519', { privateKeyEncoding, publicKeyEncoding });
  return {
    secret: randomBytes(32).toString('base64url'),
    privateKeys: { RS256: rsa.privateKey, ES256: ec.privateKey, EdDSA: ed.privateKey },
    publicKeys: { RS256: rsa.publicKey, ES256: ec.publicKey, EdDSA: ed.publicKey },
  };
}

export interface AuthOptions {
  /** The verified-token cache (token.cache); default off, to measure the bare path. */
  cache?: boolean;
  /** The in-process revocation cache (blacklist.cache). */
  blacklistCache?: boolean;
}

/** A koaJwt instance for `alg` over the fixture's key, with user lookup from the claims (no provider call). */
export function makeAuth(alg: BenchAlg, fixture: Fixture, options: AuthOptions = {}): KoaJwt {
  const keys = alg === 'HS256'
    ? { algorithm: alg as Algorithm, secret: fixture.secret }
    : { algorithm: alg as Algorithm, privateKey: fixture.privateKeys[alg] };
  return koaJwt({
    keys,
    // A precomputed-looking hash keeps start-up free of scrypt; nobody logs in here.
    users: memoryUsers([{ id: '1', username: 'alice', passwordHash: 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }]),
    userLookup: 'token',
    token: { expiresIn: '1h', cache: options.cache ? { max: 10_000 } : false },
    ...(options.blacklistCache ? { blacklist: { cache: true, cacheSeconds: 5 } } : {}),
  });
}

/** A token of user 1 signed by `auth`. */
export async function tokenOf(auth: KoaJwt): Promise<string> {
  return (await auth.issue({ id: '1', username: 'alice' })).token;
}
