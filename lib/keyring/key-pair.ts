import { createPrivateKey, createPublicKey, type KeyPairKeyObjectResult } from 'node:crypto';

/**
 * The same key pair, re-imported from PEM, so that its key objects share no lock with the job
 * that generated them. On Node 20, exporting a freshly generated EC key as a JWK holds the key's
 * mutex while it allocates; a garbage collection at that moment that frees the generating job
 * takes the same mutex, and the process hangs for good (seen here: a mocha run stuck in
 * `ExportJWKEcKey` → GC → `~KeyGenJob` → `uv_mutex_lock`). PEM export holds the lock only while
 * writing to OpenSSL, never while allocating, so this step is safe; it costs one PEM round trip
 * per generated key.
 */
export function detachedKeyPair(pair: KeyPairKeyObjectResult): KeyPairKeyObjectResult {
  const privateKey = createPrivateKey(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
