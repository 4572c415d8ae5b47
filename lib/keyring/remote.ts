import { createPublicKey } from 'node:crypto';
import type jwksRsa from 'jwks-rsa';
import { KeySourceUnavailableError, TokenInvalidError } from '../errors.js';
import { type Algorithm, isAlgorithm } from './algorithms.js';
import { createKey, defaultAlgorithmFor, type Key } from './key.js';
import type { RemoteKeySource } from './keyring.js';
import { DEFAULT_JWKS_LIMITS, fetchJwks } from './jwks-fetch.js';

export interface RemoteKeySourceOptions {
  jwksUri: string;
  /** The configured algorithms: a remote key verifies only those of its own type. */
  algorithms: readonly Algorithm[];
  /** How long a fetched JWKS is trusted before it is fetched again (ms). Default 10 minutes. */
  cacheMaxAge?: number;
  /** Fetches allowed per minute in steady state, whatever the kids asked for (plus a burst of 2). Default 10. */
  requestsPerMinute?: number;
  /** Total deadline of one fetch (ms), not reset by each byte. Default 5 s. */
  timeout?: number;
  /** Largest JWKS body read (bytes). Default 1 MiB. */
  maxBytes?: number;
  /** A clock for intervals (ms), for tests. Default performance.now (monotonic). */
  now?: () => number;
}

/** The most remote keys a token without kid is tried against (an issuer rotating keys publishes two or three). */
export const MAX_KIDLESS_CANDIDATES = 4;

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
 *   which then keeps serving (an issuer outage does not log everyone out);
 * - a stale snapshot keeps answering while it is refetched in the background: a known kid never
 *   waits for the issuer, however slowly it answers;
 * - a fetch has a total deadline and a byte cap, and keeps only keys that pass the checks a
 *   configured JWK gets (jwks-fetch.ts);
 * - a token without kid is tried against the remote keys only when there are at most
 *   MAX_KIDLESS_CANDIDATES of its alg: each try is a signature check, and an issuer publishing
 *   2,000 keys made every kid-less forgery cost 0.7 s of CPU.
 *
 * @example
 * ```ts
 * const remote = createRemoteKeySource({ jwksUri: 'http://127.0.0.1:3000/.well-known/jwks.json', algorithms: ['ES256'] });
 * const [key] = await remote.getKeys('ES256');
 * ```
 */
export function createRemoteKeySource(options: RemoteKeySourceOptions): RemoteKeySource {
  const limits = { deadline: options.timeout ?? DEFAULT_JWKS_LIMITS.deadline, maxBytes: options.maxBytes ?? DEFAULT_JWKS_LIMITS.maxBytes };
  // jwks-rsa (a hundred modules) is loaded with the first fetch, not at import: only a service
  // that verifies another issuer's tokens needs it.
  let client: Promise<{ getSigningKeys(): Promise<jwksRsa.SigningKey[]> }> | undefined;
  const jwksClient = () => (client ??= import('jwks-rsa').then((m) => {
    const make = (m as { default?: typeof jwksRsa }).default ?? (m as unknown as typeof jwksRsa);
    return make({ jwksUri: options.jwksUri, cache: false, rateLimit: false, fetcher: (uri) => fetchJwks(uri, limits) });
  }));
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
      // A JWK that names its alg is for that alg only (RFC 7517 §4.4): its RS256 key verifies no PS256.
      const verifies = isAlgorithm(signingKey.alg) ? [alg] : options.algorithms;
      return createKey({ kid: signingKey.kid, alg, publicKey }, { state: 'active', verifies, path: `jwks(${options.jwksUri})` });
    } catch {
      return undefined; // a remote key we would refuse at start-up (weak RSA, wrong curve, no kid) verifies nothing
    }
  };

  async function fetchSnapshot(): Promise<Snapshot> {
    refill();
    fetches = Math.max(0, fetches - 1); // the first fetch goes even from an empty bucket
    let signingKeys: jwksRsa.SigningKey[];
    try {
      signingKeys = await (await jwksClient()).getSigningKeys();
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

  /**
   * The current snapshot. Only the very first one is waited for; a stale one answers at once
   * while it is refetched in the background (within the rate limit), so a misbehaving issuer
   * never holds a request whose key is already known.
   */
  async function current(): Promise<Snapshot> {
    if (fresh(snapshot)) return snapshot;
    if (!snapshot) return inFlight ?? refetch();
    if (!inFlight && mayRefetch()) refetch().catch(() => undefined); // the last good copy keeps serving
    return snapshot;
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
      const keys = [...snap.keys.values()].filter((k) => k.algorithms.includes(alg));
      if (keys.length > MAX_KIDLESS_CANDIDATES) throw new TokenInvalidError(`The token has no kid, and the issuer publishes ${keys.length} ${alg} keys: a kid is required.`);
      return keys;
    },
    close() {
      closed = true;
    },
  };
}
