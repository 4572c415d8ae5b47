import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import { type Algorithm, isAlgorithm } from '../keyring/algorithms.js';
import type { Key } from '../keyring/key.js';
import type { KeyHint } from '../keyring/keyring.js';
import { tokenInvalid } from './refusal.js';
import { signatureCheck } from './signature.js';
import { decodePart } from './token-part.js';

// All jsonwebtoken use of the project lives in this file, and it only signs (EdDSA, which it
// lacks, signs with node:crypto). Signatures are checked with node:crypto (signature.ts).

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

const notBase64url = (part: string): string => (B64URL.test(part) ? 'The token is not in canonical base64url.' : 'The token is not base64url encoded.');

// Headers that point at key material the attacker controls: never fetched, never trusted.
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

const headerNotJson = (): never => {
  throw tokenInvalid('The token header is not valid JSON.');
};
// As jsonwebtoken does: a payload that is not JSON is returned as text; the JWT layer refuses it.
const asText = (text: string): string => text;

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
  if (second === -1 || token.indexOf('.', second + 1) !== -1) throw tokenInvalid('The token is not a compact JWS (three dot-separated parts).');
  const encodedHeader = token.slice(0, first);
  const encodedPayload = token.slice(first + 1, second);
  const signature = token.slice(second + 1);
  // A remembered header passed every check below already, its encoding included.
  const known = headerMemo.get(encodedHeader);
  if (!(known ?? (B64URL.test(encodedHeader) && isCanonicalBase64url(encodedHeader)))) throw tokenInvalid(notBase64url(encodedHeader));
  if (!B64URL.test(encodedPayload) || !isCanonicalBase64url(encodedPayload)) throw tokenInvalid(notBase64url(encodedPayload));
  if (!B64URL.test(signature)) throw tokenInvalid(signature === '' ? 'The token has no signature.' : 'The token signature is not base64url encoded.');
  if (!isCanonicalBase64url(signature)) throw tokenInvalid('The token is not in canonical base64url.');
  if (known) return { header: known, encodedHeader, encodedPayload, signature };
  const header = decodePart(encodedHeader, headerNotJson);
  if (!isPlainObject(header)) throw tokenInvalid('The token header is not a JSON object.');
  if (!isAlgorithm(header.alg)) {
    throw tokenInvalid(typeof header.alg === 'string' && header.alg.toLowerCase() === 'none'
      ? 'Unsigned tokens (alg none) are refused.'
      : 'The token algorithm is not supported.');
  }
  for (const name of FORBIDDEN_HEADERS) {
    if (name in header) throw tokenInvalid(`The token header "${name}" is refused: keys are never taken from a token.`);
  }
  if ('crit' in header) throw tokenInvalid('The token has critical header parameters this verifier does not understand.');
  if ('b64' in header) throw tokenInvalid('Unencoded payloads (b64) are refused.');
  if (header.kid !== undefined && typeof header.kid !== 'string') throw tokenInvalid('The token header has an invalid kid.');
  rememberHeader(encodedHeader, header as JwsHeader);
  return { header: header as JwsHeader, encodedHeader, encodedPayload, signature };
}

/**
 * Checks the signature of `jws` with `key` and resolves the decoded payload (any JSON value:
 * the JWT layer decides what it accepts). The algorithm is the token's, and only after the
 * keyring confirmed that the key is pinned to it. node:crypto checks the bytes our parser
 * already split (one parse per token); jsonwebtoken is the oracle of spec/conformance/differential.
 */
export function verifySignature(token: string, jws: ParsedJws, key: Key): unknown {
  const alg = jws.header.alg;
  if (!key.algorithms.includes(alg)) throw tokenInvalid(`The key ${key.kid} does not verify ${alg}.`);
  // jws is this token split: the signing input is everything before the last dot.
  const input = token.slice(0, token.length - jws.signature.length - 1);
  if (!signatureCheck(key.verifyingKey, alg)(input, jws.signature)) throw tokenInvalid('The token signature is invalid.');
  return decodePart(jws.encodedPayload, asText);
}

// jsonwebtoken is loaded on the first signature, not at import: a verify-only service never
// needs it, and it is a third of the package's import time (bench/README.md, "import").
let jsonwebtoken: Promise<typeof import('jsonwebtoken')> | undefined;
const loadJsonwebtoken = () => (jsonwebtoken ??= import('jsonwebtoken').then((m) => ((m as { default?: typeof import('jsonwebtoken') }).default ?? m)));

/** Signs `payload` with `key` into a compact JWS whose header carries the key's kid. */
export async function signPayload(payload: Record<string, unknown>, key: Key, signingKey: KeyObject | undefined = key.signingKey, kid: string | undefined = key.labelOnly ? undefined : key.kid): Promise<string> {
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
  const jwt = await loadJsonwebtoken();
  return jwt.sign(JSON.stringify(payload), signingKey, { algorithm: alg, ...(kid ? { keyid: kid } : {}), header: { alg, typ: 'JWT' } });
}
