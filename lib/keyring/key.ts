import { createHash, createPublicKey, KeyObject, randomBytes } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { type Algorithm, algorithmInfo, isAlgorithm, MAX_RSA_PUBLIC_EXPONENT, MIN_RSA_BITS } from './algorithms.js';
import { importPrivateKey, importPublicKey, importSecret, type KeyMaterial, secretMaySign } from './material.js';
import { HOW_TO_MAKE_A_SECRET, weakSecretReason } from './secret-strength.js';

/**
 * `next`: published and verifies, does not sign yet. `active`: verifies; the first active key
 * of the first algorithm signs. `retired`: verifies and stays published until every token it
 * signed has expired. A removed key is simply gone.
 */
export type KeyState = 'next' | 'active' | 'retired';
export const KEY_STATES: readonly KeyState[] = ['next', 'active', 'retired'];

/** One key of the keyring. Immutable: a state change replaces the object. */
export interface Key {
  readonly kid: string;
  /** The algorithm this key signs with and is published for. */
  readonly alg: Algorithm;
  /** Every algorithm this key may verify: pinned by the key, never taken from a token alone. */
  readonly algorithms: readonly Algorithm[];
  /** Private key or secret; absent for verify-only keys. */
  readonly signingKey?: KeyObject;
  /** Public key or secret. */
  readonly verifyingKey: KeyObject;
  readonly state: KeyState;
  readonly createdAt: Date;
  /** After this instant the key is no longer needed (managed rotation removes it then). */
  readonly notAfter?: Date;
  /**
   * The kid is a local label (`secret-1`), never written into a token: a secret given without a
   * kid signs tokens without one. Any default derived from the secret (its RFC 7638 thumbprint,
   * an HMAC of a label) would publish a fast offline oracle of it in every token, and link the
   * services that share it; a label that does not depend on the secret means nothing outside
   * this process, so it stays out of tokens, and instances agree because there is nothing to agree on.
   */
  readonly labelOnly?: true;
}

/** What `keyring.add()` and the config accept for one key. */
export interface KeySpec {
  kid?: string;
  alg: Algorithm;
  secret?: KeyMaterial;
  privateKey?: KeyMaterial;
  publicKey?: KeyMaterial;
}

/** A kid is an opaque short string: no objects, numbers, control characters or 10 KB blobs. */
export const MAX_KID_LENGTH = 128;
const KID_PATTERN = /^[\x21-\x7e]+$/;

export function isValidKid(kid: unknown): kid is string {
  return typeof kid === 'string' && kid.length > 0 && kid.length <= MAX_KID_LENGTH && KID_PATTERN.test(kid);
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url): the default kid of a public key, derived from
 * what is published anyway. Never used for a secret (see `Key.labelOnly`).
 *
 * @example
 * ```ts
 * const kid = thumbprint(createPublicKey(pem)); // e.g. 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 * ```
 */
export function thumbprint(key: KeyObject): string {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' }) as Record<string, string>;
  const required: Record<string, readonly string[]> = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'], oct: ['k', 'kty'] };
  const members = required[jwk.kty] ?? Object.keys(jwk).sort();
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * Refuses a secret of evidently low entropy (RFC 8725 §3.5; docs/security.md, "Weak
 * secrets"): a length rule alone passes `my_very_long_and_safe_secret_key`, which a cracker's
 * word list holds. Throws a ConfigError naming `path` that says how to make a good one.
 */
export function assertStrongSecret(key: KeyObject, path: string): void {
  const reason = weakSecretReason(key.export());
  if (reason) throw new ConfigError(path, `this secret is too easy to guess: ${reason}; ${HOW_TO_MAKE_A_SECRET}`);
}

/** Checks that `key` is of the type and strength `alg` needs; throws a ConfigError naming `path`. */
export function assertKeyFitsAlgorithm(key: KeyObject, alg: Algorithm, path: string): void {
  const info = algorithmInfo(alg);
  if (info.family === 'secret') {
    if (key.type !== 'secret') throw new ConfigError(path, `${alg} needs a shared secret, got a ${key.type} key`);
    const size = key.symmetricKeySize ?? 0;
    if (size < info.hashBytes) throw new ConfigError(path, `${alg} needs at least ${info.hashBytes} bytes, got ${size}`);
    return;
  }
  if (key.type === 'secret') throw new ConfigError(path, `${alg} needs an asymmetric key, got a shared secret`);
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  switch (info.family) {
    case 'rsa': {
      // node:crypto cannot export an id-RSASSA-PSS key as a JWK, so it could get neither a
      // thumbprint kid nor a JWKS entry; a plain RSA key signs PS* just as well.
      if (type === 'rsa-pss') throw new ConfigError(path, `an RSA-PSS-only key (id-RSASSA-PSS) cannot be published as a JWK; give a plain RSA key, which signs ${alg} too`);
      if (type !== 'rsa') throw new ConfigError(path, `${alg} needs an RSA key, got ${type}`);
      const bits = details.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) throw new ConfigError(path, `${alg} needs an RSA key of at least ${MIN_RSA_BITS} bits, got ${bits}`);
      // e = 1 makes every "signature" equal to its padded message: anyone could forge one.
      const e = details.publicExponent ?? 0n;
      if (e < 3n || e % 2n === 0n) throw new ConfigError(path, `${alg} needs an RSA public exponent that is odd and at least 3, got ${e}`);
      if (e > MAX_RSA_PUBLIC_EXPONENT) throw new ConfigError(path, `${alg} needs an RSA public exponent of at most 2^33 - 1, got one of ${e.toString(2).length} bits`);
      return;
    }
    case 'ec':
      if (type !== 'ec') throw new ConfigError(path, `${alg} needs an EC key, got ${type}`);
      if (details.namedCurve !== info.curve) throw new ConfigError(path, `${alg} needs curve ${info.curve}, got ${details.namedCurve}`);
      return;
    case 'okp':
      if (type !== 'ed25519' && type !== 'ed448') throw new ConfigError(path, `${alg} needs an Ed25519 or Ed448 key, got ${type}`);
      return;
  }
}

/**
 * Builds a Key from a spec. `verifies` is the configured algorithm list: the key may verify
 * those of its own family (and, for secrets, those its length allows), and nothing else.
 */
export function createKey(spec: KeySpec, options: {
  state: KeyState; verifies?: readonly Algorithm[]; path: string; createdAt?: Date; notAfter?: Date; label?: string;
  /** Only for fixed external test vectors (Wycheproof): they test signatures, not key policy. */
  allowWeakSecret?: boolean;
  /** The secret verifies only (its JWK's key_ops leave out "sign"), when `spec.secret` was imported before. */
  verifyOnly?: boolean;
}): Key {
  const { path } = options;
  if (!isAlgorithm(spec.alg)) throw new ConfigError(`${path}.alg`, `unknown algorithm ${JSON.stringify(spec.alg)}`);
  const alg = spec.alg;
  const family = algorithmInfo(alg).family;
  let signingKey: KeyObject | undefined;
  let verifyingKey: KeyObject;
  if (family === 'secret') {
    if (spec.secret === undefined) {
      const given = spec.privateKey !== undefined ? 'a private key' : spec.publicKey !== undefined ? 'a public key' : 'nothing';
      throw new ConfigError(`${path}.secret`, `${alg} signs with a shared secret, got ${given}`);
    }
    verifyingKey = importSecret(spec.secret, `${path}.secret`);
    assertKeyFitsAlgorithm(verifyingKey, alg, `${path}.secret`);
    if (!options.allowWeakSecret) assertStrongSecret(verifyingKey, `${path}.secret`);
    if (!options.verifyOnly && secretMaySign(spec.secret, `${path}.secret`)) signingKey = verifyingKey;
  } else {
    if (spec.secret !== undefined) throw new ConfigError(`${path}.secret`, `${alg} needs a private or public key, not a shared secret`);
    if (spec.privateKey !== undefined) {
      signingKey = importPrivateKey(spec.privateKey, `${path}.privateKey`);
      assertKeyFitsAlgorithm(signingKey, alg, `${path}.privateKey`);
    }
    if (spec.publicKey !== undefined) {
      verifyingKey = importPublicKey(spec.publicKey, `${path}.publicKey`);
      assertKeyFitsAlgorithm(verifyingKey, alg, `${path}.publicKey`);
    } else if (signingKey) {
      verifyingKey = createPublicKey(signingKey);
    } else {
      throw new ConfigError(`${path}.privateKey`, `${alg} needs a private key (to sign) or a public key (to verify)`);
    }
  }
  if (spec.kid !== undefined && !isValidKid(spec.kid)) {
    throw new ConfigError(`${path}.kid`, `a kid is 1 to ${MAX_KID_LENGTH} printable ASCII characters`);
  }
  // A secret's default kid never depends on the secret (docs/security.md, "Kids of secrets"; spec/security/secret-kid).
  const labelOnly = spec.kid === undefined && family === 'secret';
  const kid = spec.kid ?? (labelOnly ? options.label ?? `secret-${randomBytes(6).toString('base64url')}` : thumbprint(verifyingKey));
  // Its own algorithm first, then the configured ones its material can verify. (An RSA-PSS-only
  // key, which could verify PS* alone, never gets here: assertKeyFitsAlgorithm refuses it.)
  const others = (options.verifies ?? []).filter((a) => {
    if (a === alg || algorithmInfo(a).family !== family) return false;
    if (family === 'secret') return (verifyingKey.symmetricKeySize ?? 0) >= algorithmInfo(a).hashBytes;
    if (family === 'ec') return algorithmInfo(a).curve === verifyingKey.asymmetricKeyDetails?.namedCurve;
    return true;
  });
  const algorithms = [alg, ...others];
  return Object.freeze({
    kid, alg, algorithms: Object.freeze(algorithms), signingKey, verifyingKey,
    state: options.state, createdAt: options.createdAt ?? new Date(),
    ...(options.notAfter ? { notAfter: options.notAfter } : {}),
    ...(labelOnly ? { labelOnly: true as const } : {}),
  });
}

/** The family of key material a KeyObject holds, to pick a default algorithm. */
export function defaultAlgorithmFor(key: KeyObject): Algorithm {
  if (key.type === 'secret') return 'HS256';
  switch (key.asymmetricKeyType) {
    case 'rsa': return 'RS256';
    case 'rsa-pss': return 'PS256';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256';
    }
    default: return 'EdDSA';
  }
}
