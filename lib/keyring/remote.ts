import { createPublicKey } from 'node:crypto';
import jwksRsa from 'jwks-rsa';
import { KeySourceUnavailableError } from '../errors.js';
import { type Algorithm, isAlgorithm } from './algorithms.js';
import { createKey, defaultAlgorithmFor, type Key } from './key.js';
import type { RemoteKeySource } from './keyring.js';

export interface RemoteKeySourceOptions {
  jwksUri: string;
  /** The configured algorithms: a remote key verifies only those of its own type. */
  algorithms: readonly Algorithm[];
  /** How long fetched keys are kept (ms). Default 10 minutes. */
  cacheMaxAge?: number;
  /** Fetches allowed per minute, whatever the kids asked for. Default 10. */
  requestsPerMinute?: number;
  /** Fetch timeout (ms). Default 5 s. */
  timeout?: number;
}

/**
 * Keys of another issuer, fetched from its JWKS through jwks-rsa (cache, rate limit; an
 * unknown kid triggers a refetch within the rate limit). Each fetched key becomes a KeyObject
 * once and is kept by kid, so no PEM string reaches jsonwebtoken on the hot path.
 */
export function createRemoteKeySource(options: RemoteKeySourceOptions): RemoteKeySource {
  const client = jwksRsa({
    jwksUri: options.jwksUri,
    cache: true,
    cacheMaxEntries: 50,
    cacheMaxAge: options.cacheMaxAge ?? 600_000,
    rateLimit: true,
    jwksRequestsPerMinute: options.requestsPerMinute ?? 10,
    timeout: options.timeout ?? 5000,
  });
  const imported = new Map<string, Key>();

  const toKey = (signingKey: jwksRsa.SigningKey, requested: Algorithm): Key | undefined => {
    const cached = imported.get(signingKey.kid);
    if (cached) return cached;
    const publicKey = createPublicKey(signingKey.getPublicKey());
    // The alg a remote key verifies is pinned by the key: its JWK `alg`, else its type.
    const alg = isAlgorithm(signingKey.alg) ? signingKey.alg : defaultAlgorithmFor(publicKey);
    if (!options.algorithms.includes(alg) && !options.algorithms.includes(requested)) return undefined;
    try {
      const key = createKey({ kid: signingKey.kid, alg, publicKey }, { state: 'active', verifies: options.algorithms, path: `jwks(${options.jwksUri})` });
      if (imported.size >= 100) imported.delete(imported.keys().next().value!);
      imported.set(key.kid, key);
      return key;
    } catch {
      return undefined; // a remote key we would refuse at start-up (weak RSA, wrong curve) verifies nothing
    }
  };

  const isNotFound = (err: unknown) => (err as Error)?.name === 'SigningKeyNotFoundError';

  return {
    async getKey(kid, alg) {
      const cached = imported.get(kid);
      if (cached) return cached;
      try {
        return toKey(await client.getSigningKey(kid), alg);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        if ((err as Error)?.name === 'JwksRateLimitError') return undefined;
        throw new KeySourceUnavailableError(undefined, { cause: err });
      }
    },
    async getKeys(alg) {
      try {
        const keys = await client.getSigningKeys();
        return keys.map((k) => toKey(k, alg)).filter((k): k is Key => k !== undefined);
      } catch (err) {
        if (isNotFound(err)) return [];
        throw new KeySourceUnavailableError(undefined, { cause: err });
      }
    },
  };
}
