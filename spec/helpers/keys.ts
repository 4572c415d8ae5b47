import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { detachedKeyPair } from '../../lib/keyring/key-pair.js';

// Test keys are generated at run time (never production keys) and cached per process:
// an RSA key costs ~100 ms, so every suite shares the same few.

export interface TestKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** PKCS#8 PEM of the private key. */
  readonly privatePem: string;
  /** SPKI PEM of the public key. */
  readonly publicPem: string;
}

export type KeyKind = 'rsa' | 'rsa1024' | 'rsa-pss' | 'P-256' | 'P-384' | 'P-521' | 'ed25519';

const cache = new Map<string, TestKeyPair>();

// Re-imported (detachedKeyPair): specs export these keys as JWKs, which can hang Node 20 for
// good while the generating job is being collected (lib/keyring/key-pair.ts).
function generate(kind: KeyKind): { privateKey: KeyObject; publicKey: KeyObject } {
  return detachedKeyPair(generated(kind));
}

function generated(kind: KeyKind): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (kind) {
    case 'rsa': return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa1024': return generateKeyPairSync('rsa', { modulusLength: 1024 });
    case 'rsa-pss': return generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    case 'P-256': return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'P-384': return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'P-521': return generateKeyPairSync('ec', { namedCurve: 'P-521' });
    case 'ed25519': return generateKeyPairSync('ed25519');
  }
}

/**
 * A key pair of `kind`; the same `name` gives the same pair within one run.
 *
 * @example
 * ```ts
 * const { privatePem } = keyPair('rsa');          // the shared RSA test key
 * const other = keyPair('rsa', 'second');          // a different one
 * ```
 */
export function keyPair(kind: KeyKind, name = 'default'): TestKeyPair {
  const id = `${kind}/${name}`;
  let pair = cache.get(id);
  if (!pair) {
    const { privateKey, publicKey } = generate(kind);
    pair = Object.freeze({
      privateKey,
      publicKey,
      privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    });
    cache.set(id, pair);
  }
  return pair;
}

/** A random HS secret of `bytes` bytes as a string (hex, so it is exactly `bytes` characters). */
export function secretOf(bytes: number): string {
  return randomBytes(Math.ceil(bytes / 2)).toString('hex').slice(0, bytes);
}

/** A fixed random secret (43 bytes, from `koa-jwt-kit keys generate --secret`): the default secret of the test apps. */
export const SECRET = 'Y-7gD2AmB6a2XAUgjJIOskyVL3Eerpwbz62ly2_Qrdg';
