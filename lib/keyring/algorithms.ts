/** The JWS algorithms koa-jwt-kit signs and verifies (RFC 7518, RFC 8037). `none` is not one of them. */
export const ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
] as const;

export type Algorithm = (typeof ALGORITHMS)[number];

export type KeyFamily = 'secret' | 'rsa' | 'ec' | 'okp';

export interface AlgorithmInfo {
  readonly family: KeyFamily;
  /** Output size of the hash in bytes: an HS secret must be at least this long (RFC 7518 §3.2). */
  readonly hashBytes: number;
  /** The EC curve (node:crypto name) this algorithm requires. */
  readonly curve?: string;
}

const INFO: Readonly<Record<Algorithm, AlgorithmInfo>> = {
  HS256: { family: 'secret', hashBytes: 32 },
  HS384: { family: 'secret', hashBytes: 48 },
  HS512: { family: 'secret', hashBytes: 64 },
  RS256: { family: 'rsa', hashBytes: 32 },
  RS384: { family: 'rsa', hashBytes: 48 },
  RS512: { family: 'rsa', hashBytes: 64 },
  PS256: { family: 'rsa', hashBytes: 32 },
  PS384: { family: 'rsa', hashBytes: 48 },
  PS512: { family: 'rsa', hashBytes: 64 },
  ES256: { family: 'ec', hashBytes: 32, curve: 'prime256v1' },
  ES384: { family: 'ec', hashBytes: 48, curve: 'secp384r1' },
  ES512: { family: 'ec', hashBytes: 64, curve: 'secp521r1' },
  EdDSA: { family: 'okp', hashBytes: 64 },
};

/** RSA keys under this size are refused at start-up (RFC 7518 §3.3). */
export const MIN_RSA_BITS = 2048;

/**
 * The largest RSA public exponent accepted (BoringSSL's bound, 2^33 − 1). Each signature check
 * costs an exponentiation by e: a 3071-bit e made every forged token cost 11.5 ms to refuse
 * against 0.15 ms for e = 65537 (bench/jwks-import.ts exponent).
 */
export const MAX_RSA_PUBLIC_EXPONENT = 2n ** 33n - 1n;

export function isAlgorithm(value: unknown): value is Algorithm {
  // Exact, case-sensitive match: `None`, `NONE`, `hs256` are not algorithms.
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(INFO, value);
}

export function algorithmInfo(alg: Algorithm): AlgorithmInfo {
  return INFO[alg];
}
