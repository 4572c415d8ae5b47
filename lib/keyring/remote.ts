import { KeySourceUnavailableError, TokenInvalidError } from '../errors.js';
import type { Algorithm } from './algorithms.js';
import type { Key } from './key.js';
import type { RemoteKeySource } from './keyring.js';
import { DEFAULT_JWKS_LIMITS, fetchJwks } from './jwks-fetch.js';
import type { JwkObject } from './material.js';
import { importRemoteKey, jwkMayVerify } from './remote-key.js';

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
  /** Most keys taken from one JWKS document; the rest are ignored, and `onError` says so. Default 100. */
  maxKeys?: number;
  /** Told of what no request sees: keys over `maxKeys` ignored, a published key refused (`kid`). */
  onError?: (error: Error, detail?: { kid: string }) => void;
  /** A clock for intervals (ms), for tests. Default performance.now (monotonic). */
  now?: () => number;
}

/** The most remote keys a token without kid is tried against (an issuer rotating keys publishes two or three). */
export const MAX_KIDLESS_CANDIDATES = 4;

/** Keys taken from one JWKS document by default (`keys.jwksMaxKeys`). */
export const DEFAULT_JWKS_MAX_KEYS = 100;

/**
 * The JWKS as last fetched: the JWKs by kid, each imported the first time its kid is asked for
 * (`null` once refused), and when it was fetched.
 */
interface Snapshot {
  jwks: Map<string, JwkObject & { kid: string }>;
  imported: Map<string, Key | null>;
  fetchedAt: number;
}

/**
 * Keys of another issuer, fetched from its JWKS (jwks-fetch.ts). The caching and rate limiting
 * are done here over the whole JWKS: a per-kid cache (jwks-rsa's) lets every new random kid
 * start a fetch.
 *
 * Rules, each with a spec:
 * - one fetch at a time: concurrent misses share it (single flight);
 * - a known kid never fetches until the JWKS is `cacheMaxAge` old;
 * - every fetch, the very first included, draws on a token bucket of 2 that refills at
 *   `requestsPerMinute`: a flood of random kids costs at most `requestsPerMinute` fetches a
 *   minute (plus the burst of 2), whether or not a fetch ever succeeded — an issuer that never
 *   answered turned 23,527 requests into 23,527 fetches in 30 s. With no copy and an empty
 *   bucket the answer is 503 with Retry-After (when the bucket holds a fetch again). The first
 *   unknown kid after a quiet period fetches at once, even when the JWKS was fetched a moment
 *   before (its cacheMaxAge had run out) — a key that signs soon after it is published is
 *   found. Without a token the kid is answered from the snapshot (401 token_invalid);
 * - a failed fetch is a 503 (KeySourceUnavailableError) unless the kid is in the last snapshot,
 *   which then keeps serving (an issuer outage does not log everyone out);
 * - a stale snapshot keeps answering while it is refetched in the background: a known kid never
 *   waits for the issuer, however slowly it answers;
 * - a fetch has a total deadline and a byte cap, and keeps only entries that pass the checks a
 *   configured JWK gets (jwks-fetch.ts), at most `maxKeys` of them;
 * - a key is imported once, when its kid is first asked for, never the whole document at a
 *   fetch: 6,001 P-256 keys (978 KiB, under the byte cap) blocked the event loop 2.9 s when each
 *   was imported at the fetch (bench/jwks-import.ts). A key refused at import (weak RSA, an RSA
 *   exponent over 2^33 − 1, a point off its curve) verifies nothing, and `onError` says why;
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
  const { jwksUri } = options;
  const limits = { deadline: options.timeout ?? DEFAULT_JWKS_LIMITS.deadline, maxBytes: options.maxBytes ?? DEFAULT_JWKS_LIMITS.maxBytes };
  const maxKeys = options.maxKeys ?? DEFAULT_JWKS_MAX_KEYS;
  const report = options.onError ?? (() => undefined);
  const clock = options.now ?? (() => performance.now());
  const cacheMaxAge = options.cacheMaxAge ?? 600_000;
  const refillPerMs = (options.requestsPerMinute ?? 10) / 60_000;
  const burst = 2;
  let snapshot: Snapshot | undefined;
  let fetches = burst;
  let filledAt = clock();
  let inFlight: Promise<Snapshot> | undefined;
  let lastFailure: unknown;
  let closed = false;

  async function fetchSnapshot(): Promise<Snapshot> {
    refill();
    fetches = Math.max(0, fetches - 1);
    let published: JwkObject[];
    try {
      published = (await fetchJwks(jwksUri, limits)).keys;
    } catch (err) {
      lastFailure = err;
      throw new KeySourceUnavailableError(undefined, { cause: err });
    }
    if (published.length > maxKeys) {
      report(new Error(`JWKS ${jwksUri}: ${published.length} keys published, the first ${maxKeys} taken, ${published.length - maxKeys} ignored (keys.jwksMaxKeys)`));
    }
    const jwks = new Map<string, JwkObject & { kid: string }>();
    for (const jwk of published.slice(0, maxKeys)) jwks.set(jwk.kid as string, jwk as JwkObject & { kid: string });
    return { jwks, imported: new Map(), fetchedAt: clock() };
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
  /** Whole seconds until the bucket holds a fetch again. */
  const secondsToNextFetch = () => Math.max(1, Math.ceil((1 - fetches) / refillPerMs / 1000));

  /**
   * The current snapshot. Only the very first one is waited for; a stale one answers at once
   * while it is refetched in the background (within the rate limit), so a misbehaving issuer
   * never holds a request whose key is already known.
   */
  async function current(): Promise<Snapshot> {
    if (fresh(snapshot)) return snapshot;
    if (snapshot) {
      if (!inFlight && mayRefetch()) refetch().catch(() => undefined); // the last good copy keeps serving
      return snapshot;
    }
    if (inFlight) return inFlight;
    if (closed || mayRefetch()) return refetch();
    throw new KeySourceUnavailableError(undefined, { cause: lastFailure, retryAfter: secondsToNextFetch() });
  }

  /** The key of `kid` in `snap`, imported on its first use; undefined when absent or refused. */
  function keyOf(snap: Snapshot, kid: string): Key | undefined {
    const done = snap.imported.get(kid);
    if (done !== undefined) return done ?? undefined;
    const jwk = snap.jwks.get(kid);
    if (!jwk) return undefined;
    let key: Key | null = null;
    try {
      key = importRemoteKey(jwk, options.algorithms, `jwks(${jwksUri})`) ?? null;
    } catch (err) {
      // A key we would refuse at start-up verifies nothing; the operator is told, once per fetch.
      report(new Error(`JWKS ${jwksUri}: the key ${kid} is refused: ${(err as Error).message}`, { cause: err }), { kid });
    }
    snap.imported.set(kid, key);
    return key ?? undefined;
  }

  return {
    async getKey(kid) {
      const snap = await current();
      if (snap.jwks.has(kid)) return keyOf(snap, kid);
      // An unknown kid may be a key published since the last fetch: refetch, within the limit.
      if (inFlight) return keyOf(await inFlight, kid);
      if (!mayRefetch()) return undefined;
      return keyOf(await refetch(), kid);
    },
    async getKeys(alg) {
      const snap = await current();
      // Counted before any import: the bound is on the CPU a kid-less token can cost.
      const candidates = [...snap.jwks.values()].filter((jwk) => jwkMayVerify(jwk, alg));
      if (candidates.length > MAX_KIDLESS_CANDIDATES) throw new TokenInvalidError(`The token has no kid, and the issuer publishes ${candidates.length} ${alg} keys: a kid is required.`);
      return candidates.map((jwk) => keyOf(snap, jwk.kid)).filter((k): k is Key => k !== undefined && k.algorithms.includes(alg));
    },
    close() {
      closed = true;
    },
  };
}
