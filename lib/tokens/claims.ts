import { randomUUID } from 'node:crypto';
import { TokenExpiredError, TokenInvalidError, TokenNotYetValidError } from '../errors.js';

/** The claims koa-jwt-kit reads and writes (drf-jwt's payload, plus RFC 7519 and RFC 8693 `act`). */
export interface JwtPayload {
  user_id?: string | number;
  username?: string;
  exp: number;
  iat?: number;
  nbf?: number;
  jti?: string;
  /** Issued-at of the first token of the refresh family (drf-jwt). */
  orig_iat?: number;
  /** jti of the first token of the refresh family: the family id revocation is keyed on. */
  orig_jti?: string;
  aud?: string | string[];
  iss?: string;
  sub?: string;
  /** `access` or `refresh` in pair mode. */
  token_type?: 'access' | 'refresh';
  /** The actor of an impersonation token (RFC 8693 §4.1). */
  act?: { sub: string };
  [claim: string]: unknown;
}

/** The options claim validation needs: resolved once, passed on every call. */
export interface ClaimRules {
  readonly leeway: number;
  /**
   * How far ahead `iat` and `nbf` may be (seconds), for clocks of instances that differ a
   * little: max(leeway, clockSkew) applies to them. `exp` keeps `leeway` only. Default 0 here;
   * the config's default is `token.clockSkew` = 5.
   */
  readonly clockSkew?: number;
  readonly verifyExpiration: boolean;
  readonly maxLifetime: number;
  readonly audience?: readonly string[];
  readonly issuer?: readonly string[];
  readonly requireTokenId: boolean;
}

export const now = (): number => Math.floor(Date.now() / 1000);

export const newTokenId = (): string => randomUUID();

const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** How far ahead of `at` an `iat` or `nbf` may be: the larger of leeway and clockSkew. */
const ahead = (rules: ClaimRules): number => Math.max(rules.leeway, rules.clockSkew ?? 0);

/** `exp` must be there and a NumericDate (seconds); past it (plus leeway) the token is expired. */
export function validateExpiration(payload: Record<string, unknown>, rules: ClaimRules, at: number): void {
  const exp = payload.exp;
  if (exp === undefined) throw new TokenInvalidError('The token has no expiry (exp).');
  if (!isNumericDate(exp)) throw new TokenInvalidError('The token exp is not a NumericDate.');
  validateNotExpired(exp, rules, at);
  // Also catches exp written in milliseconds: such a token would otherwise live for ever. A
  // token from an instance whose clock is ahead looks longer-lived by that much: the skew allowed.
  if (exp - at > rules.maxLifetime + ahead(rules)) throw new TokenInvalidError('The token lives longer than this service allows.');
}

/** Past `exp` (plus leeway) the token is expired: the one time rule a cached verification checks again. */
export function validateNotExpired(exp: number, rules: ClaimRules, at: number): void {
  if (rules.verifyExpiration && at >= exp + rules.leeway) throw new TokenExpiredError('The token has expired.', new Date(exp * 1000));
}

/** `nbf`, when present, is a NumericDate not in the future (plus the skew allowed). */
export function validateNotBefore(payload: Record<string, unknown>, rules: ClaimRules, at: number): void {
  const nbf = payload.nbf;
  if (nbf === undefined) return;
  if (!isNumericDate(nbf)) throw new TokenInvalidError('The token nbf is not a NumericDate.');
  if (nbf > at + ahead(rules)) throw new TokenNotYetValidError('The token is not valid yet.');
}

/** `iat`, when present, is a NumericDate not in the future (plus the skew allowed). */
export function validateIssuedAt(payload: Record<string, unknown>, rules: ClaimRules, at: number): void {
  const iat = payload.iat;
  if (iat === undefined) return;
  if (!isNumericDate(iat)) throw new TokenInvalidError('The token iat is not a NumericDate.');
  if (iat > at + ahead(rules)) throw new TokenInvalidError('The token was issued in the future.');
}

/** With an audience configured, `aud` (string or list) must name one of it. */
export function validateAudience(payload: Record<string, unknown>, rules: ClaimRules): void {
  if (!rules.audience) return;
  const aud = payload.aud;
  const given = typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every((a) => typeof a === 'string') ? (aud as string[]) : undefined;
  if (!given) throw new TokenInvalidError(aud === undefined ? 'The token has no audience.' : 'The token audience is malformed.');
  if (!given.some((a) => rules.audience!.includes(a))) throw new TokenInvalidError('The token is for another audience.');
}

/** With an issuer configured, `iss` must be one of it. */
export function validateIssuer(payload: Record<string, unknown>, rules: ClaimRules): void {
  if (!rules.issuer) return;
  const iss = payload.iss;
  if (typeof iss !== 'string') throw new TokenInvalidError('The token has no issuer.');
  if (!rules.issuer.includes(iss)) throw new TokenInvalidError('The token is from another issuer.');
}

/** `jti` and `orig_jti` are short strings; with `tokenId: 'require'` a jti must be there. */
export function validateTokenId(payload: Record<string, unknown>, rules: ClaimRules): void {
  for (const name of ['jti', 'orig_jti'] as const) {
    const v = payload[name];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0 || v.length > 255)) throw new TokenInvalidError(`The token ${name} is malformed.`);
  }
  if (rules.requireTokenId && payload.jti === undefined) throw new TokenInvalidError('The token has no id (jti).');
}

/** `user_id` a string or a number, `username` a string, `orig_iat` a NumericDate, when present. */
export function validateShape(payload: Record<string, unknown>): void {
  const { user_id: id, username, orig_iat: origIat, token_type: type } = payload;
  if (id !== undefined && typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) throw new TokenInvalidError('The token user_id is malformed.');
  if (username !== undefined && typeof username !== 'string') throw new TokenInvalidError('The token username is malformed.');
  if (origIat !== undefined && !isNumericDate(origIat)) throw new TokenInvalidError('The token orig_iat is not a NumericDate.');
  if (type !== undefined && type !== 'access' && type !== 'refresh') throw new TokenInvalidError('The token token_type is unknown.');
}

/** Every claim rule, in one call. Throws the specific error of the first rule broken. */
export function validateClaims(payload: Record<string, unknown>, rules: ClaimRules, at: number = now()): void {
  validateShape(payload);
  validateTokenId(payload, rules);
  validateIssuedAt(payload, rules, at);
  validateNotBefore(payload, rules, at);
  validateExpiration(payload, rules, at);
  validateIssuer(payload, rules);
  validateAudience(payload, rules);
}

/** The user_id claim as a store or provider key. */
export const userIdOf = (payload: { user_id?: unknown; sub?: unknown }): string | undefined =>
  payload.user_id !== undefined ? String(payload.user_id) : typeof payload.sub === 'string' ? payload.sub : undefined;
