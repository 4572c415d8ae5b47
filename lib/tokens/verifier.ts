import type { ResolvedConfig } from '../config/types.js';
import { deepFreeze, type FreezeFilter } from '../deep-freeze.js';
import { TokenInvalidError } from '../errors.js';
import type { Key } from '../keyring/key.js';
import type { Keyring } from '../keyring/keyring.js';
import { createTokenCache, type TokenCache } from './token-cache.js';
import { type ClaimRules, type JwtPayload, now, validateClaims } from './claims.js';
import { isPlainObject, parseCompact, type ParsedJws, verifySignature } from './jws.js';
import { decodePart } from './token-part.js';
import { rejectLater, tokenInvalid } from './refusal.js';
import type { VerifiedToken } from './verified.js';

export type { VerifiedToken };

/**
 * The key for a token that is not signed by a keyring key: per-user secrets pick the key from
 * the (not yet verified) user_id, as drf-jwt's GET_USER_SECRET_KEY does. Undefined: use the keyring.
 */
export type KeyOverride = (jws: ParsedJws, unverifiedPayload: Record<string, unknown>) => Promise<Key | undefined> | Key | undefined;

/** A check that runs after signature and claims (revocation): throws to refuse. */
export type PostCheck = (verified: VerifiedToken) => Promise<void> | void;

export interface Verifier {
  /** Verifies `token`: structure, key, signature, claims, then every post-check. */
  verify(token: unknown): Promise<VerifiedToken>;
  /**
   * As `verify`, but without a promise when nothing had to be awaited (keys held by the keyring,
   * post-checks answered from memory): the hot path of the middleware. Throws instead of
   * rejecting, then; what it returns is a VerifiedToken or a native Promise of one.
   */
  verifyNow(token: unknown): VerifiedToken | Promise<VerifiedToken>;
  /** Signature and claims only (no revocation): used where revocation is checked separately. */
  verifySignatureAndClaims(token: unknown): Promise<VerifiedToken>;
  /** The verified-token cache (`token.cache`), for invalidation hooks; undefined when it is off. */
  readonly cache?: TokenCache;
}

export interface VerifierOptions {
  keyOverride?: KeyOverride;
  postChecks?: readonly PostCheck[];
  /**
   * How long (seconds) a token verified with a key from `keyOverride` may stay in the cache: a
   * secret rotated where this instance cannot see it is noticed within this bound. Default 5.
   */
  overrideCacheSeconds?: number;
}

/** The resolved `token` options a verifier runs with. */
export type TokenOptions = ResolvedConfig['token'];

export function claimRules(token: TokenOptions): ClaimRules {
  return Object.freeze({
    leeway: token.leeway,
    clockSkew: token.clockSkew,
    verifyExpiration: token.verifyExpiration,
    maxLifetime: token.maxLifetime,
    requireTokenId: token.tokenId === 'require',
    ...(token.audience ? { audience: token.audience } : {}),
    ...(token.issuer ? { issuer: token.issuer } : {}),
  });
}

// Every object of a payload, arrays too: JSON.parse made them and nothing else holds them. One
// already frozen is not entered again.
const unfrozen: FreezeFilter = (member) => !Object.isFrozen(member);

const payloadNotJson = (): never => {
  throw new TokenInvalidError('The token payload is not valid JSON.');
};

const isPromise = <T>(value: unknown): value is Promise<T> => typeof (value as Promise<T> | undefined)?.then === 'function';

/**
 * Builds the verify function once: rules, limits and the cache are resolved here, and the
 * function that runs per token does no option parsing. Keys held by the keyring are found
 * synchronously, so a token verified with them costs no promise hop until the post-checks.
 *
 * @example
 * ```ts
 * const verifier = createVerifier(config.token, keyring, { postChecks: [revocation.check] });
 * const { payload } = await verifier.verify(token);
 * ```
 */
export function createVerifier(token: TokenOptions, keyring: Keyring, options: VerifierOptions = {}): Verifier {
  const rules = claimRules(token);
  const maxLength = token.maxLength;
  const { keyOverride } = options;
  const postChecks = options.postChecks ?? [];
  const overrideCacheSeconds = options.overrideCacheSeconds ?? 5;
  const cache = token.cache ? createTokenCache({ max: token.cache.max, rules, keyring }) : undefined;

  const checkSignature = (token: string, jws: ParsedJws, keys: readonly Key[]): { payload: unknown; key: Key } => {
    let lastError: unknown;
    for (const key of keys) {
      try {
        return { payload: verifySignature(token, jws, key), key };
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError ?? tokenInvalid('No key verifies this token.');
  };

  const finish = (token: string, jws: ParsedJws, keys: readonly Key[], ticket: number, overridden: boolean): VerifiedToken => {
    const { payload, key } = checkSignature(token, jws, keys);
    if (!isPlainObject(payload)) throw tokenInvalid('The token payload is not a JSON object.');
    const at = now();
    validateClaims(payload, rules, at);
    if (!cache) return { token, header: jws.header, payload: payload as JwtPayload, key };
    // Cache hits share this object between requests: frozen, so one request cannot change what
    // the next one sees. (Freezing costs ~0.3 µs, paid once per cached token.)
    const verified: VerifiedToken = Object.freeze({ token, header: jws.header, payload: deepFreeze(payload as JwtPayload, unfrozen), key });
    const user = payload.user_id === undefined ? undefined : String(payload.user_id);
    cache.set(verified, ticket, { ...(overridden ? { maxAge: overrideCacheSeconds } : {}), ...(user !== undefined ? { user } : {}) });
    return verified;
  };

  const fromKeyring = (token: string, jws: ParsedJws, ticket: number): VerifiedToken | Promise<VerifiedToken> => {
    const candidates = keyring.candidates(jws.header);
    return Array.isArray(candidates)
      ? finish(token, jws, candidates, ticket, false)
      : (candidates as Promise<readonly Key[]>).then((keys) => finish(token, jws, keys, ticket, false));
  };

  /** Synchronous unless a key must be fetched (remote JWKS, per-user secret). */
  function check(token: unknown): VerifiedToken | Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) throw tokenInvalid('The token is not a string.');
    if (cache) {
      const hit = cache.get(token, now());
      if (hit) return hit;
    }
    if (token.length > maxLength) throw tokenInvalid(`The token is longer than ${maxLength} bytes.`);
    const ticket = cache ? cache.ticket() : 0;
    const jws = parseCompact(token);
    if (!keyOverride) return fromKeyring(token, jws, ticket);
    const unverified = decodePart(jws.encodedPayload, payloadNotJson);
    if (!isPlainObject(unverified)) throw new TokenInvalidError('The token payload is not a JSON object.');
    const withKey = (key: Key | undefined) => (key ? finish(token, jws, [key], ticket, true) : fromKeyring(token, jws, ticket));
    const key = keyOverride(jws, unverified);
    return isPromise<Key | undefined>(key) ? key.then(withKey) : withKey(key);
  }

  function verifySignatureAndClaims(token: unknown): Promise<VerifiedToken> {
    try {
      return Promise.resolve(check(token));
    } catch (err) {
      return rejectLater(err);
    }
  }

  // Post-checks run on every call, cache hit or not: a revoked token is refused at once.
  function runPostChecks(verified: VerifiedToken, from = 0): VerifiedToken | Promise<VerifiedToken> {
    for (let i = from; i < postChecks.length; i++) {
      const pending = postChecks[i]!(verified);
      if (isPromise<void>(pending)) return Promise.resolve(pending).then(() => runPostChecks(verified, i + 1));
    }
    return verified;
  }

  function verifyNow(token: unknown): VerifiedToken | Promise<VerifiedToken> {
    const verified = check(token);
    // A key override may hand back any thenable: what leaves here is a native Promise or a value.
    return isPromise<VerifiedToken>(verified) ? Promise.resolve(verified).then((v) => runPostChecks(v)) : runPostChecks(verified);
  }

  function verify(token: unknown): Promise<VerifiedToken> {
    try {
      return Promise.resolve(verifyNow(token));
    } catch (err) {
      return rejectLater(err);
    }
  }

  return { verify, verifyNow, verifySignatureAndClaims, ...(cache ? { cache } : {}) };
}
