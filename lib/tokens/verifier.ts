import type { ResolvedConfig } from '../config/types.js';
import { TokenInvalidError } from '../errors.js';
import type { Key } from '../keyring/key.js';
import { type ClaimRules, type JwtPayload, now, validateClaims } from './claims.js';
import { isPlainObject, type JwsHeader, parseCompact, type ParsedJws, verifySignature } from './jws.js';

/** A token that passed every check: its parts and the key that verified it. */
export interface VerifiedToken {
  readonly token: string;
  readonly header: JwsHeader;
  readonly payload: JwtPayload;
  readonly key: Key;
}

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
  /** Signature and claims only (no revocation): used where revocation is checked separately. */
  verifySignatureAndClaims(token: unknown): Promise<VerifiedToken>;
}

export interface VerifierOptions {
  keyOverride?: KeyOverride;
  postChecks?: readonly PostCheck[];
}

export function claimRules(config: ResolvedConfig): ClaimRules {
  return Object.freeze({
    leeway: config.token.leeway,
    verifyExpiration: config.token.verifyExpiration,
    maxLifetime: config.token.maxLifetime,
    requireTokenId: config.token.tokenId === 'require',
    ...(config.token.audience ? { audience: config.token.audience } : {}),
    ...(config.token.issuer ? { issuer: config.token.issuer } : {}),
  });
}

/**
 * Builds the verify function once: rules and limits are resolved here, and the function that
 * runs per token does no option parsing.
 */
export function createVerifier(config: ResolvedConfig, options: VerifierOptions = {}): Verifier {
  const rules = claimRules(config);
  const { keyring } = config;
  const maxLength = config.token.maxLength;
  const { keyOverride } = options;
  const postChecks = options.postChecks ?? [];

  const checkSignature = (token: string, jws: ParsedJws, keys: readonly Key[]): { payload: unknown; key: Key } => {
    let lastError: unknown;
    for (const key of keys) {
      try {
        return { payload: verifySignature(token, jws, key), key };
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError ?? new TokenInvalidError('No key verifies this token.');
  };

  const finish = (token: string, jws: ParsedJws, payload: unknown, key: Key): VerifiedToken => {
    if (!isPlainObject(payload)) throw new TokenInvalidError('The token payload is not a JSON object.');
    validateClaims(payload, rules, now());
    return { token, header: jws.header, payload: payload as JwtPayload, key };
  };

  async function verifySignatureAndClaims(token: unknown): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) throw new TokenInvalidError('The token is not a string.');
    if (token.length > maxLength) throw new TokenInvalidError(`The token is longer than ${maxLength} bytes.`);
    const jws = parseCompact(token);
    if (keyOverride) {
      let unverified: unknown;
      try {
        unverified = JSON.parse(Buffer.from(jws.encodedPayload, 'base64url').toString('utf8'));
      } catch {
        throw new TokenInvalidError('The token payload is not valid JSON.');
      }
      if (!isPlainObject(unverified)) throw new TokenInvalidError('The token payload is not a JSON object.');
      const key = await keyOverride(jws, unverified);
      if (key) {
        const { payload } = checkSignature(token, jws, [key]);
        return finish(token, jws, payload, key);
      }
    }
    const candidates = keyring.candidates(jws.header);
    const keys = Array.isArray(candidates) ? candidates : await candidates;
    const { payload, key } = checkSignature(token, jws, keys);
    return finish(token, jws, payload, key);
  }

  async function verify(token: unknown): Promise<VerifiedToken> {
    const verified = await verifySignatureAndClaims(token);
    for (const check of postChecks) await check(verified);
    return verified;
  }

  return { verify, verifySignatureAndClaims };
}
