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
  /** How long a fetched JWKS is trusted before it is fetched again (ms). Default 10 minutes. */
  cacheMaxAge?: number;
  /** Fetches allowed per minute in steady state, whatever the kids asked for (plus a burst of 2). Default 10. */
  requestsPerMinute?: number;
  /** Fetch timeout (ms). Default 5 s. */
  timeout?: number;
  /** A clock for intervals (ms), for tests. Default performance.now (monotonic). */
  now?: () => number;
}

/** The JWKS as last fetched: kid → key, and when it was fetched. */
interface Snapshot {
  keys: Map<string, Key>;
  fetchedAt: number;
}

/**
 * Keys of another issuer, fetched from its JWKS through jwks-rsa. jwks-rsa does the HTTP and
 * the JWK parsing; the caching and rate limiting are done here over the whole JWKS, because
 * jwks-rsa's own limiter covers only `getSigningKey` (one kid) and leaves `getSigningKeys` (tokens
 * without a kid) unbounded, and its per-kid cache lets every new random kid start a fetch.
 *
 * Rules, each with a spec:
 * - one fetch at a time: concurrent misses share it (single flight);
 * - a known kid never fetches until the JWKS is `cacheMaxAge` old;
 * - refetches draw on a token bucket of 2 that refills at `requestsPerMinute`: a flood of
 *   random kids costs at most `requestsPerMinute` fetches a minute (plus the burst of 2), and
 *   the first unknown kid after a quiet period fetches at once, even when the JWKS was fetched
 *   a moment before (its cacheMaxAge had run out) — a key that signs soon after it is
 *   published is found. Without a token the kid is answered from the snapshot (401 token_invalid);
 * - a failed fetch is a 503 (KeySourceUnavailableError) unless the kid is in the last snapshot,
 *   which then keeps serving (an issuer outage does not log everyone out).
 *
 * @example
 * ```ts
 * const remote = createRemoteKeySource({ jwksUri: 'http://127.0.0.1:3000/.well-known/jwks.json', algorithms: ['ES256'] });
 * const [key] = await remote.getKeys('ES256');
 * ```
 */
export function createRemoteKeySource(options: RemoteKeySourceOptions): RemoteKeySource {
  const client = jwksRsa({ jwksUri: options.jwksUri, cache: false, rateLimit: false, timeout: options.timeout ?? 5000 });
  const clock = options.now ?? (() => performance.now());
  const cacheMaxAge = options.cacheMaxAge ?? 600_000;
  const refillPerMs = (options.requestsPerMinute ?? 10) / 60_000;
  const burst = 2;
  let snapshot: Snapshot | undefined;
  let fetches = burst;
  let filledAt = clock();
  let inFlight: Promise<Snapshot> | undefined;
  let closed = false;

  const toKey = (signingKey: jwksRsa.SigningKey): Key | undefined => {
    try {
      const publicKey = createPublicKey(signingKey.getPublicKey());
      // The alg a remote key verifies is pinned by the key: its JWK `alg`, else its type.
      const alg = isAlgorithm(signingKey.alg) ? signingKey.alg : defaultAlgorithmFor(publicKey);
      if (!options.algorithms.includes(alg)) return undefined;
      return createKey({ kid: signingKey.kid, alg, publicKey }, { state: 'active', verifies: options.algorithms, path: `jwks(${options.jwksUri})` });
    } catch {
      return undefined; // a remote key we would refuse at start-up (weak RSA, wrong curve, no kid) verifies nothing
    }
  };

  async function fetchSnapshot(): Promise<Snapshot> {
    refill();
    fetches = Math.max(0, fetches - 1); // the first fetch goes even from an empty bucket
    let signingKeys: jwksRsa.SigningKey[];
    try {
      signingKeys = await client.getSigningKeys();
    } catch (err) {
      // A JWKS that answers but publishes no usable key is an empty set, not an outage.
      if ((err as Error)?.name === 'JwksError' && /did not contain any/.test((err as Error).message)) signingKeys = [];
      else throw new KeySourceUnavailableError(undefined, { cause: err });
    }
    const keys = new Map<string, Key>();
    for (const sk of signingKeys) {
      const key = sk.kid ? toKey(sk) : undefined;
      if (key) keys.set(key.kid, key);
    }
    return { keys, fetchedAt: clock() };
  }

  /** Fetches unless one is running (then shares it). */
  function refetch(): Promise<Snapshot> {
    if (closed) return Promise.reject(new KeySourceUnavailableError('The remote key source is closed.'));
    inFlight ??= fetchSnapshot().then((s) => (snapshot = s)).finally(() => { inFlight = undefined; });
    return inFlight;
  }

  const fresh = (s: Snapshot | undefined): s is Snapshot => s !== undefined && clock() - s.fetchedAt < cacheMaxAge;
  function refill(): void {
    const t = clock();
    fetches = Math.min(burst, fetches + (t - filledAt) * refillPerMs);
    filledAt = t;
  }
  const mayRefetch = () => { refill(); return fetches >= 1; };

  /** The current snapshot, fetching when there is none or it is too old. */
  async function current(): Promise<Snapshot> {
    if (fresh(snapshot)) return snapshot;
    if (inFlight) return inFlight;
    if (snapshot && !mayRefetch()) return snapshot; // a failing issuer is not hammered either
    try {
      return await refetch();
    } catch (err) {
      if (snapshot) return snapshot;
      throw err;
    }
  }

  return {
    async getKey(kid) {
      const snap = await current();
      const known = snap.keys.get(kid);
      if (known) return known;
      // An unknown kid may be a key published since the last fetch: refetch, within the limit.
      if (inFlight) return (await inFlight).keys.get(kid);
      if (!mayRefetch()) return undefined;
      return (await refetch()).keys.get(kid);
    },
    async getKeys(alg) {
      const snap = await current();
      return [...snap.keys.values()].filter((k) => k.algorithms.includes(alg));
    },
    close() {
      closed = true;
    },
  };
}
