import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { type Algorithm, algorithmInfo, isAlgorithm } from './algorithms.js';
import { createKey, defaultAlgorithmFor, type Key } from './key.js';
import type { JwkObject } from './material.js';

/** JWK curve names (RFC 7518 §6.2.1.1) as node:crypto names them. */
const CURVES: Readonly<Record<string, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/**
 * Whether a published JWK may verify `alg`, read from its members alone, without importing it:
 * its `alg` when it names one (RFC 7517 §4.4), else its `kty` (and `crv`). Used to pick the
 * candidates of a token without kid before any of them costs an import.
 *
 * @example
 * ```ts
 * jwkMayVerify({ kty: 'EC', crv: 'P-256', x, y, kid: 'k1' }, 'ES256'); // true
 * ```
 */
export function jwkMayVerify(jwk: JwkObject, alg: Algorithm): boolean {
  if (jwk.alg !== undefined) return jwk.alg === alg;
  const info = algorithmInfo(alg);
  switch (jwk.kty) {
    case 'RSA': return info.family === 'rsa';
    case 'EC': return info.family === 'ec' && CURVES[jwk.crv as string] === info.curve;
    case 'OKP': return info.family === 'okp';
    default: return false;
  }
}

/**
 * Imports one published JWK as a verify-only key: one `createPublicKey`, then the checks a
 * configured key gets (createKey: RSA size and exponent, curve, alg that fits the key). Returns
 * undefined for a key of an algorithm that is not configured; throws for a key that would be
 * refused at start-up.
 *
 * @example
 * ```ts
 * const key = importRemoteKey({ ...jwk, kid: 'k1' }, ['ES256'], 'jwks(https://issuer.example/jwks.json)');
 * ```
 */
export function importRemoteKey(jwk: JwkObject & { kid: string }, algorithms: readonly Algorithm[], source: string): Key | undefined {
  const publicKey = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  // The alg a remote key verifies is pinned by the key: its JWK `alg`, else its type.
  const alg = isAlgorithm(jwk.alg) ? jwk.alg : defaultAlgorithmFor(publicKey);
  if (!algorithms.includes(alg)) return undefined;
  // A JWK that names its alg is for that alg only (RFC 7517 §4.4): its RS256 key verifies no PS256.
  const verifies = isAlgorithm(jwk.alg) ? [alg] : algorithms;
  return createKey({ kid: jwk.kid, alg, publicKey }, { state: 'active', verifies, path: source });
}
