import type { Context } from 'koa';
import type { ResolvedConfig } from '../config/types.js';
import type { Keyring } from '../keyring/keyring.js';
import { RefreshExpiredError, RefreshNotAllowedError, SigningKeyUnavailableError } from '../errors.js';
import type { Key } from '../keyring/key.js';
import type { AuthUser } from '../users/provider.js';
import { type JwtPayload, newTokenId, now, userIdOf } from './claims.js';
import { familyIdOf, firstFamilyId, refreshDeadline } from './family.js';
import { signPayload } from './jws.js';

/** A freshly signed token and the claims it carries. */
export interface IssuedToken {
  readonly token: string;
  readonly payload: JwtPayload;
}

/** Registered claims the issuer sets itself; custom payload handlers cannot override them. */
const REGISTERED = ['exp', 'iat', 'jti', 'orig_iat', 'orig_jti', 'aud', 'iss', 'token_type', 'act', 'orig_exp'] as const;

/** The key and secret to sign a user's token with, when it is not the keyring's signer (per-user secrets). */
export type SigningKeyOverride = (userId: string) => Promise<{ key: Key; kid?: string } | undefined>;

export interface IssueOptions {
  /** Extra claims, merged under the registered ones. */
  extra?: Record<string, unknown>;
  ctx?: Context;
  /** Lifetime in seconds (default token.expiresIn). */
  expiresIn?: number;
  tokenType?: 'access' | 'refresh';
  /** The impersonating superuser (RFC 8693 `act`). */
  actor?: string;
  /** Family fields carried over on refresh. */
  family?: { origIat: number; origJti?: string };
  /** Latest exp allowed (an impersonation token never outlives its first lifetime). */
  notAfter?: number;
}

export interface Issuer {
  issue(user: AuthUser, options?: IssueOptions): Promise<IssuedToken>;
  /** Signs an already built claim set (refresh keeps the claims and renews the registered ones). */
  sign(payload: JwtPayload): Promise<string>;
  /**
   * drf-jwt refresh: a new token of the same family (same orig_iat, orig_jti = family id). Give
   * the old token itself too: a token without jti or orig_jti is then its family's id (its hash).
   */
  refresh(payload: JwtPayload, token?: string): Promise<IssuedToken>;
}

/** The resolved options an issuer runs with: `token` (claims, lifetime, ids) and `refresh` (the family's end). */
export type IssuerOptions = Pick<ResolvedConfig, 'token' | 'refresh'>;

export function createIssuer(config: IssuerOptions, keyring: Keyring, options: { signingKeyOverride?: SigningKeyOverride } = {}): Issuer {
  const { token: tokenConfig, refresh: refreshConfig } = config;
  const audience = tokenConfig.audience ? (tokenConfig.audience.length === 1 ? tokenConfig.audience[0] : [...tokenConfig.audience]) : undefined;
  const issuer = tokenConfig.issuer?.[0];
  const withJti = tokenConfig.tokenId !== 'off';

  async function sign(payload: JwtPayload): Promise<string> {
    const userId = userIdOf(payload);
    const override = options.signingKeyOverride && userId !== undefined ? await options.signingKeyOverride(userId) : undefined;
    if (override) return signPayload(payload, override.key, override.key.signingKey, override.kid);
    // Managed rotation may need to sync with the store first; undefined (no await) otherwise.
    const gate = keyring.beforeSign();
    if (gate) await gate;
    const key = keyring.signingKey();
    if (!key) throw new SigningKeyUnavailableError('No key can sign: every key is retired or only verifies (see auth.keyring.list()).');
    return signPayload(payload, key);
  }

  function defaultPayload(user: AuthUser): Record<string, unknown> {
    return tokenConfig.includeUserId ? { user_id: user.id, username: user.username } : { username: user.username };
  }

  async function issue(user: AuthUser, opts: IssueOptions = {}): Promise<IssuedToken> {
    const at = now();
    const base = tokenConfig.payload ? await tokenConfig.payload(user, opts.ctx) : defaultPayload(user);
    // Spread, never Object.assign: a `__proto__` key stays a plain own property.
    const custom: Record<string, unknown> = { ...base, ...opts.extra };
    for (const claim of REGISTERED) delete custom[claim];
    let exp = at + (opts.expiresIn ?? tokenConfig.expiresIn);
    if (opts.notAfter !== undefined) exp = Math.min(exp, opts.notAfter);
    const jti = withJti ? newTokenId() : undefined;
    const origJti = opts.family?.origJti ?? firstFamilyId(jti, config);
    const payload: JwtPayload = {
      ...custom,
      iat: at,
      exp,
      ...(jti ? { jti } : {}),
      ...(refreshConfig.allow ? { orig_iat: opts.family?.origIat ?? at } : {}),
      ...(origJti ? { orig_jti: origJti } : {}),
      ...(audience ? { aud: audience } : {}),
      ...(issuer ? { iss: issuer } : {}),
      ...(opts.tokenType ? { token_type: opts.tokenType } : {}),
      // orig_exp: refresh caps an impersonation token's family at the first token's exp.
      ...(opts.actor !== undefined ? { act: { sub: opts.actor }, orig_exp: exp } : {}),
    };
    return { token: await sign(payload), payload };
  }

  async function refresh(old: JwtPayload, token?: string): Promise<IssuedToken> {
    if (!refreshConfig.allow) throw new RefreshNotAllowedError('Token refresh is disabled.');
    if (typeof old.orig_iat !== 'number') throw new RefreshNotAllowedError('This token has no orig_iat and cannot be refreshed.');
    const at = now();
    if (at >= refreshDeadline(old.orig_iat, config)) throw new RefreshExpiredError();
    const origJti = familyIdOf(old, token);
    let exp = at + tokenConfig.expiresIn;
    // An impersonation token is never refreshed past the lifetime of the first one.
    if (old.act && typeof old.orig_exp === 'number') exp = Math.min(exp, old.orig_exp);
    const payload: JwtPayload = {
      ...old,
      iat: at,
      exp,
      ...(withJti ? { jti: newTokenId() } : {}),
      ...(origJti ? { orig_jti: origJti } : {}),
    };
    if (!withJti) delete payload.jti;
    return { token: await sign(payload), payload };
  }

  return { issue, sign, refresh };
}
