import { KeyObject } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { type Algorithm, algorithmInfo, isAlgorithm } from '../keyring/algorithms.js';
import { assertKeyFitsAlgorithm, assertStrongSecret, createKey, isValidKid, type Key, MAX_KID_LENGTH } from '../keyring/key.js';
import { importPrivateKey, importPublicKey, importSecret, type KeyMaterial, secretMaySign } from '../keyring/material.js';

/** The part of `keys` read here: scalar, list or `{ kid: material }` each. */
interface KeysSection {
  readonly secret?: unknown;
  readonly privateKey?: unknown;
  readonly publicKey?: unknown;
  readonly insistOnKid?: boolean | undefined;
}
interface Entry { material: KeyMaterial; path: string; kid?: string }

function isDict(value: unknown): value is Record<string, KeyMaterial> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value)
    && !(value instanceof KeyObject) && typeof (value as { kty?: unknown }).kty !== 'string';
}

/** A JWK's own `kid`, which names the key when the config does not (a JWKS entry keeps its name). */
function ownKid(material: unknown, path: string): { kid?: string } {
  if (typeof material !== 'object' || material === null || Buffer.isBuffer(material) || material instanceof KeyObject) return {};
  const kid = (material as { kid?: unknown }).kid;
  if (kid === undefined) return {};
  if (!isValidKid(kid)) throw new ConfigError(`${path}.kid`, `a kid is 1 to ${MAX_KID_LENGTH} printable ASCII characters without spaces`);
  return { kid };
}

/** Scalar, list or `{ kid: material }` → entries with their config paths. */
function entries(value: unknown, path: string): Entry[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map((material, i) => ({ material, path: `${path}[${i}]`, ...ownKid(material, `${path}[${i}]`) }));
  if (isDict(value)) {
    return Object.entries(value).map(([kid, material]) => {
      if (!isValidKid(kid)) throw new ConfigError(`${path}.${kid}`, `a kid is 1 to ${MAX_KID_LENGTH} printable ASCII characters without spaces`);
      return { material, path: `${path}.${kid}`, kid };
    });
  }
  return [{ material: value as KeyMaterial, path, ...ownKid(value, path) }];
}

/** The first configured algorithm a key of this type may sign with. */
function pickAlgorithm(key: KeyObject, algorithms: readonly Algorithm[], hint: unknown, path: string): Algorithm {
  const fits = (alg: Algorithm): boolean => {
    const info = algorithmInfo(alg);
    switch (key.asymmetricKeyType) {
      case 'rsa': return info.family === 'rsa';
      case 'rsa-pss': return alg.startsWith('PS');
      case 'ec': return info.family === 'ec' && info.curve === key.asymmetricKeyDetails?.namedCurve;
      case 'ed25519': case 'ed448': return info.family === 'okp';
      default: return false;
    }
  };
  if (isAlgorithm(hint) && algorithms.includes(hint) && fits(hint)) return hint;
  const alg = algorithms.find(fits);
  if (!alg) {
    const curve = key.asymmetricKeyDetails?.namedCurve ? ` (${key.asymmetricKeyDetails.namedCurve})` : '';
    throw new ConfigError(path, `a ${key.type} key of type ${key.asymmetricKeyType}${curve}, but keys.algorithm (${algorithms.join(', ')}) has no algorithm for it`);
  }
  return alg;
}

function jwkAlg(material: KeyMaterial): unknown {
  return typeof material === 'object' && !Buffer.isBuffer(material) && !(material instanceof KeyObject) ? material.alg : undefined;
}

/** Resolves `keys.secret`, `keys.privateKey` and `keys.publicKey` into keyring keys, all `active`, in config order. */
export function resolveStaticKeys(section: KeysSection, algorithms: readonly Algorithm[]): Key[] {
  const keys: Key[] = [];
  const hsAlg = algorithms.find((a) => algorithmInfo(a).family === 'secret');
  const secrets = entries(section.secret, 'keys.secret');
  const privates = entries(section.privateKey, 'keys.privateKey');
  const publics = entries(section.publicKey, 'keys.publicKey');

  if (secrets.length > 0 && !hsAlg) {
    throw new ConfigError('keys.secret', `a shared secret needs an HS* algorithm, but keys.algorithm is ${algorithms.join(', ')}`);
  }
  if (hsAlg === algorithms[0] && secrets.length === 0 && privates.length > 0) {
    throw new ConfigError('keys.privateKey', `${hsAlg} signs with a shared secret (keys.secret), not a private key`);
  }
  // Material is imported and checked here, under its own config path (keys.secret[1]), before
  // createKey sees it: createKey's paths are those of a key spec (key.secret).
  for (const [index, { material, path, kid }] of secrets.entries()) {
    const secret = importSecret(material, path);
    assertKeyFitsAlgorithm(secret, hsAlg!, path);
    assertStrongSecret(secret, path);
    // An unnamed secret signs tokens without a kid (Key.labelOnly), which insistOnKid would refuse.
    if (!kid && section.insistOnKid) throw new ConfigError(path, 'with keys.insistOnKid every secret needs a kid: give { "<kid>": secret } (a secret\'s kid is never derived from the secret)');
    const verifyOnly = !secretMaySign(material, path);
    keys.push(createKey({ alg: hsAlg!, secret, ...(kid ? { kid } : {}) }, { state: 'active', verifies: algorithms, path, label: `secret-${index + 1}`, verifyOnly }));
  }
  for (const { material, path, kid } of privates) {
    const privateKey = importPrivateKey(material, path);
    const alg = pickAlgorithm(privateKey, algorithms, jwkAlg(material), path);
    assertKeyFitsAlgorithm(privateKey, alg, path);
    keys.push(createKey({ alg, privateKey, ...(kid ? { kid } : {}) }, { state: 'active', verifies: algorithms, path }));
  }
  for (const { material, path, kid } of publics) {
    const publicKey = importPublicKey(material, path);
    // The public half of a configured private key is already there (derived); keep one.
    const same = keys.find((k) => k.verifyingKey.type === 'public' && k.verifyingKey.equals(publicKey));
    if (same) {
      if (kid && kid !== same.kid) throw new ConfigError(path, `this is the public key of ${same.kid}; give both the same kid`);
      continue;
    }
    const alg = pickAlgorithm(publicKey, algorithms, jwkAlg(material), path);
    assertKeyFitsAlgorithm(publicKey, alg, path);
    keys.push(createKey({ alg, publicKey, ...(kid ? { kid } : {}) }, { state: 'active', verifies: algorithms, path }));
  }
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.kid)) throw new ConfigError('keys', `two keys have the kid ${key.kid}`);
    seen.add(key.kid);
  }
  return keys;
}
