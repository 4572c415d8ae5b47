import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { Key } from '../keyring/key.js';
import { importSecret, type KeyMaterial } from '../keyring/material.js';
import type { ResolvedCookie } from './cookie.js';

/** The part of `refresh.csrf` read here. */
interface CsrfIn { readonly secret?: KeyMaterial | undefined }

// HKDF's info string: a key derived for this one use can never be confused with the signing key.
const INFO = 'koa-jwt-kit refresh-cookie csrf v1';

/** The raw bytes of a key that can sign: a secret, or the private key in PKCS#8 DER. */
function keyBytes(key: KeyObject): Buffer {
  return key.type === 'secret' ? key.export() : key.export({ format: 'der', type: 'pkcs8' });
}

/**
 * The key of the signed double-submit value (OWASP's "signed double-submit cookie"): the
 * configured `refresh.csrf.secret`, else one derived (HKDF-SHA256) from the first configured
 * key that can sign, so that every instance sharing the keys computes the same values. Only
 * needed with a refresh cookie; managed rotation alone has no key known at start-up to derive
 * from, so it needs the secret.
 *
 * @example
 * ```ts
 * const key = resolveCsrfKey(refreshIn.csrf, refreshCookie, staticKeys);
 * ```
 */
export function resolveCsrfKey(csrf: CsrfIn | undefined, refreshCookie: false | ResolvedCookie, keys: readonly Key[]): KeyObject | undefined {
  if (csrf?.secret !== undefined) {
    const key = importSecret(csrf.secret, 'refresh.csrf.secret');
    const length = key.symmetricKeySize ?? 0;
    if (length < 32) throw new ConfigError('refresh.csrf.secret', `needs at least 32 bytes, got ${length} (make one with \`openssl rand -base64 32\`)`);
    return key;
  }
  if (!refreshCookie) return undefined;
  const signer = keys.find((k) => k.signingKey !== undefined);
  if (!signer) {
    throw new ConfigError('refresh.csrf.secret', 'required with refresh.cookie when no configured key can sign (managed rotation): give at least 32 bytes (`openssl rand -base64 32`)');
  }
  return createSecretKey(Buffer.from(hkdfSync('sha256', keyBytes(signer.signingKey!), Buffer.alloc(0), INFO, 32)));
}
