import { type KeyObject, sign as cryptoSign } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { SECRET } from './keys.js';

/**
 * Signs a claim set by hand, outside koa-jwt-kit, so that a spec can build tokens the library
 * would never issue (missing exp, future iat, foreign aud, another alg). `header` members are
 * merged into the protected header.
 *
 * @example
 * ```ts
 * const token = handSign({ user_id: '1', exp: nowSeconds() + 60 });
 * ```
 */
export function handSign(
  payload: Record<string, unknown>,
  options: { key?: string | Buffer | KeyObject; alg?: string; header?: Record<string, unknown> } = {},
): string {
  const alg = options.alg ?? 'HS256';
  const key = options.key ?? SECRET;
  const header = { alg, typ: 'JWT', ...options.header };
  const unsigned = alg.toLowerCase() === 'none';
  if (alg === 'EdDSA' || unsigned) {
    const input = `${b64(header)}.${b64(payload)}`;
    if (unsigned) return `${input}.`;
    return `${input}.${cryptoSign(null, Buffer.from(input), key as KeyObject).toString('base64url')}`;
  }
  // As JSON text, so jsonwebtoken neither validates nor adds claims: the spec decides them all.
  return jwt.sign(JSON.stringify(payload), key as jwt.Secret, { algorithm: alg as jwt.Algorithm, header: header as jwt.JwtHeader });
}

/**
 * The current time as a NumericDate (seconds). Call it, and sign, inside it/before: a claim set
 * made while mocha loads the file may have expired by the time its spec runs on a busy machine
 * (spec/suite/load-time-tokens.spec.ts refuses such calls).
 */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The decoded header and payload of a compact JWS, unverified. */
export function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) };
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
