import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TokenInvalidError } from '../errors.js';
import { type Algorithm, ALGORITHMS, isAlgorithm } from '../keyring/algorithms.js';
import type { Key } from '../keyring/key.js';
import type { KeyHint } from '../keyring/keyring.js';

// All jsonwebtoken use of the project lives in this file: signing and the signature check.
// EdDSA goes through node:crypto, because jsonwebtoken has no EdDSA.

/** The protected header of a token, after the structural checks. */
export interface JwsHeader extends KeyHint {
  typ?: string;
  [member: string]: unknown;
}

/** A compact JWS split into its parts, with the header parsed and checked. */
export interface ParsedJws {
  readonly header: JwsHeader;
  readonly encodedHeader: string;
  readonly encodedPayload: string;
  readonly signature: string;
}

// base64url without padding (RFC 7515 §2): no '=', '+', '/', whitespace or newlines.
const B64URL = /^[A-Za-z0-9_-]+$/;
const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A base64url part is canonical when its length is not 1 mod 4 and the unused low bits of its
 * last character are zero. Otherwise several strings decode to the same bytes: a re-encoded
 * token would verify yet differ from the one a string-keyed blacklist holds (RFC 7515 §2, C).
 */
export function isCanonicalBase64url(part: string): boolean {
  const rest = part.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const value = B64URL_ALPHABET.indexOf(part[part.length - 1]!);
  return (value & (rest === 2 ? 0x0f : 0x03)) === 0;
}

// Headers that point at key material the attacker controls: never fetched, never trusted.
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

function decodeJson(part: string, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TokenInvalidError(`The token ${what} is not valid JSON.`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Every token of one key carries the same header bytes: its decoded, checked form is kept here
// (frozen, it is shared) so that the hot path does no base64 + JSON.parse of it. Parsing is a
// pure function of the bytes; the bound only limits memory, and a flood of distinct headers
// merely empties it (each then costs one normal parse, never more).
const HEADER_MEMO_MAX = 256;
const headerMemo = new Map<string, JwsHeader>();

/** Empties the header memo: mutation testing (stryker.config.mjs) runs every spec from a cold parse. */
export function forgetHeaders(): void {
  headerMemo.clear();
}

function rememberHeader(encodedHeader: string, header: JwsHeader): void {
  if (headerMemo.size >= HEADER_MEMO_MAX) headerMemo.clear();
  headerMemo.set(encodedHeader, Object.freeze(header));
}

/**
 * Splits and checks a compact JWS: three base64url parts, a JSON-object header with a known
 * alg, no `crit` (no extension is understood here, RFC 7515 §4.1.11), no embedded or remote
 * key references. Throws TokenInvalidError; never reaches for a key.
 */
export function parseCompact(token: string): ParsedJws {
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (second === -1 || token.indexOf('.', second + 1) !== -1) throw new TokenInvalidError('The token is not a compact JWS (three dot-separated parts).');
  const encodedHeader = token.slice(0, first);
  const encodedPayload = token.slice(first + 1, second);
  const signature = token.slice(second + 1);
  if (!B64URL.test(encodedHeader) || !B64URL.test(encodedPayload)) throw new TokenInvalidError('The token is not base64url encoded.');
  if (!B64URL.test(signature)) throw new TokenInvalidError(signature === '' ? 'The token has no signature.' : 'The token signature is not base64url encoded.');
  if (!isCanonicalBase64url(encodedHeader) || !isCanonicalBase64url(encodedPayload) || !isCanonicalBase64url(signature)) {
    throw new TokenInvalidError('The token is not in canonical base64url.');
  }
  const known = headerMemo.get(encodedHeader);
  if (known) return { header: known, encodedHeader, encodedPayload, signature };
  const header = decodeJson(encodedHeader, 'header');
  if (!isPlainObject(header)) throw new TokenInvalidError('The token header is not a JSON object.');
  if (!isAlgorithm(header.alg)) {
    throw new TokenInvalidError(typeof header.alg === 'string' && header.alg.toLowerCase() === 'none'
      ? 'Unsigned tokens (alg none) are refused.'
      : 'The token algorithm is not supported.');
  }
  for (const name of FORBIDDEN_HEADERS) {
    if (name in header) throw new TokenInvalidError(`The token header "${name}" is refused: keys are never taken from a token.`);
  }
  if ('crit' in header) throw new TokenInvalidError('The token has critical header parameters this verifier does not understand.');
  if ('b64' in header) throw new TokenInvalidError('Unencoded payloads (b64) are refused.');
  if (header.kid !== undefined && typeof header.kid !== 'string') throw new TokenInvalidError('The token header has an invalid kid.');
  rememberHeader(encodedHeader, header as JwsHeader);
  return { header: header as JwsHeader, encodedHeader, encodedPayload, signature };
}

// jsonwebtoken's options, one frozen object per algorithm: built once, not per token. Time
// claims are ours (claims.ts), so jsonwebtoken only checks the signature.
const JWT_VERIFY_OPTIONS = Object.freeze(Object.fromEntries(ALGORITHMS.map((alg) => [alg, Object.freeze({
  algorithms: Object.freeze([alg]) as unknown as jwt.Algorithm[], ignoreExpiration: true, ignoreNotBefore: true,
})]))) as Readonly<Record<Algorithm, jwt.VerifyOptions>>;

/**
 * Checks the signature of `jws` with `key` and resolves the decoded payload (any JSON value:
 * the JWT layer decides what it accepts). The algorithm passed is the token's, and only after
 * the keyring confirmed that the key is pinned to it.
 */
export function verifySignature(token: string, jws: ParsedJws, key: Key): unknown {
  const alg = jws.header.alg;
  if (!key.algorithms.includes(alg)) throw new TokenInvalidError(`The key ${key.kid} does not verify ${alg}.`);
  if (alg === 'EdDSA') {
    const ok = cryptoVerify(null, Buffer.from(`${jws.encodedHeader}.${jws.encodedPayload}`), key.verifyingKey, Buffer.from(jws.signature, 'base64url'));
    if (!ok) throw new TokenInvalidError('The token signature is invalid.');
    // As jsonwebtoken does: a payload that is not JSON is returned as text; the JWT layer refuses it.
    const text = Buffer.from(jws.encodedPayload, 'base64url').toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  let payload: unknown;
  try {
    // algorithms comes from the key, never from the token alone; the key is a KeyObject.
    payload = jwt.verify(token, key.verifyingKey, JWT_VERIFY_OPTIONS[alg]);
  } catch (err) {
    const message = (err as Error).message;
    throw new TokenInvalidError(message === 'invalid signature' ? 'The token signature is invalid.' : `The token is invalid (${message}).`);
  }
  return payload;
}

/** Signs `payload` with `key` into a compact JWS whose header carries the key's kid. */
export function signPayload(payload: Record<string, unknown>, key: Key, signingKey: KeyObject | undefined = key.signingKey, kid: string | undefined = key.labelOnly ? undefined : key.kid): string {
  if (!signingKey) throw new Error(`key ${key.kid} cannot sign`);
  const alg: Algorithm = key.alg;
  if (alg === 'EdDSA') {
    const header = { alg, typ: 'JWT', ...(kid ? { kid } : {}) };
    const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${input}.${cryptoSign(null, Buffer.from(input), signingKey).toString('base64url')}`;
  }
  // Handed over as JSON text: jsonwebtoken's object-payload path looks claim names up in a
  // plain object (a claim named `constructor` or `__proto__` crashes it) and copies the
  // payload with Object.assign. The claims are ours and already complete.
  return jwt.sign(JSON.stringify(payload), signingKey, { algorithm: alg, ...(kid ? { keyid: kid } : {}), header: { alg, typ: 'JWT' } });
}
