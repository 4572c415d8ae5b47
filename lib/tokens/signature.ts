import { constants, createHmac, type KeyObject, timingSafeEqual, verify as cryptoVerify, type VerifyKeyObjectInput, type VerifyPublicKeyInput } from 'node:crypto';
import { type Algorithm, algorithmInfo } from '../keyring/algorithms.js';

/**
 * True when `signature` (base64url, already checked canonical by the parser) signs `input`
 * (the token's `header.payload` bytes) under one key and one algorithm.
 */
export type SignatureCheck = (input: string, signature: string) => boolean;

// node:crypto's digest names, one per JWS algorithm (RFC 7518 §3.1); EdDSA hashes internally.
const DIGEST: Readonly<Record<Algorithm, string | null>> = {
  HS256: 'sha256', HS384: 'sha384', HS512: 'sha512',
  RS256: 'sha256', RS384: 'sha384', RS512: 'sha512',
  PS256: 'sha256', PS384: 'sha384', PS512: 'sha512',
  ES256: 'sha256', ES384: 'sha384', ES512: 'sha512',
  EdDSA: null,
};

// RFC 7518 §3.4: an ECDSA JWS signature is R || S, each the curve's coordinate size. Any other
// length is refused before it reaches OpenSSL (ecdsa-sig-formatter, under jsonwebtoken, refuses
// it as well).
const EC_SIGNATURE_BYTES: Readonly<Record<string, number>> = { ES256: 64, ES384: 96, ES512: 132 };

function hmacCheck(key: KeyObject, digest: string): SignatureCheck {
  return (input, signature) => {
    const expected = createHmac(digest, key).update(input, 'latin1').digest();
    const given = Buffer.from(signature, 'base64url');
    // Constant-time compare (RFC 7515 §10.9 timing attacks); lengths are public.
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
}

function publicKeyCheck(digest: string | null, key: VerifyKeyObjectInput | VerifyPublicKeyInput | KeyObject, signatureBytes?: number): SignatureCheck {
  return (input, signature) => {
    const given = Buffer.from(signature, 'base64url');
    if (signatureBytes !== undefined && given.length !== signatureBytes) return false;
    try {
      return cryptoVerify(digest, Buffer.from(input, 'latin1'), key, given);
    } catch {
      // Whatever OpenSSL objects to in attacker-supplied bytes is a bad signature (401), never a 500.
      return false;
    }
  };
}

/** Builds the check of `alg` for `key`: every option resolved here, once, never per token. */
function prepare(key: KeyObject, alg: Algorithm): SignatureCheck {
  const digest = DIGEST[alg];
  switch (algorithmInfo(alg).family) {
    case 'secret':
      return hmacCheck(key, digest!);
    case 'rsa':
      // RFC 7518 §3.5: PSS with MGF1 of the same hash and a salt as long as the hash output.
      return alg.startsWith('PS')
        ? publicKeyCheck(digest, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithmInfo(alg).hashBytes })
        : publicKeyCheck(digest, key);
    case 'ec':
      return publicKeyCheck(digest, { key, dsaEncoding: 'ieee-p1363' }, EC_SIGNATURE_BYTES[alg]);
    case 'okp':
      return publicKeyCheck(null, key);
  }
}

// Prepared checks by KeyObject: a Key object is replaced on every state change, its KeyObject
// is not, so one preparation serves a key for its whole life; a removed key's entry goes with it.
const prepared = new WeakMap<KeyObject, Partial<Record<Algorithm, SignatureCheck>>>();

/**
 * The signature check of `key` for `alg`, prepared at the first use and kept. The caller has
 * already made sure the key is pinned to `alg` (key.algorithms).
 *
 * @example
 * ```ts
 * const ok = signatureCheck(key.verifyingKey, 'ES256')(`${encodedHeader}.${encodedPayload}`, signature);
 * ```
 */
export function signatureCheck(key: KeyObject, alg: Algorithm): SignatureCheck {
  let checks = prepared.get(key);
  if (!checks) prepared.set(key, (checks = {}));
  return checks[alg] ??= prepare(key, alg);
}
