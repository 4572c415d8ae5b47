import type { Context } from 'koa';
import type { Algorithm } from '../keyring/algorithms.js';
import type { Keyring } from '../keyring/keyring.js';
import type { KeyState } from '../keyring/key.js';
import type { KeyMaterial } from '../keyring/material.js';
import type { Store } from '../stores/store.js';
import type { AuthUser, UserProvider } from '../users/provider.js';
import type { Duration } from './duration.js';

/** Key material keyed by kid: `{ '2026-11': pem }`. */
export type KeysByKid = { [kid: string]: KeyMaterial };

export interface CookieConfig {
  name: string;
  domain?: string;
  path?: string;
  secure?: boolean;
  sameSite?: 'strict' | 'lax' | 'none';
  httpOnly?: boolean;
}

export interface RotationConfig {
  /** How often a new signing key takes over. */
  every: Duration;
  /** The algorithm of managed keys (default: keys.algorithm's first). */
  algorithm?: Algorithm;
  /** How long before it signs a new key is published (default: jwks.maxAge × 2). */
  publishAhead?: Duration;
  /** How long a retired key stays published (default: refresh.expiresIn + leeway + jwks.maxAge). */
  retireAfter?: Duration;
  /** Secret that encrypts private keys at rest in the store (at least 32 bytes). */
  encryptionKey?: KeyMaterial;
  /** How often an instance looks at the store for a rotation made by another (default 60 s). */
  checkEvery?: Duration;
}

export interface PairConfig {
  /** Each refresh answers a new refresh token and consumes the old one (default true). */
  rotate?: boolean;
  /** A consumed refresh token presented again revokes its whole family (default true). */
  reuseDetection?: boolean;
  /** Lifetime of a refresh token (default: refresh.expiresIn). */
  expiresIn?: Duration;
  /** Each refresh extends the family, never beyond refresh.expiresIn from the first login. */
  sliding?: boolean;
}

/** The result `token.response` shapes into the JSON body. */
export interface IssueResult {
  token: string;
  refresh?: string;
  /** The claims of `refresh` (pair mode): its exp ends the refresh cookie. */
  refreshPayload?: { exp: number; [claim: string]: unknown };
  user: AuthUser;
  /** The claims of `token`. */
  payload: { exp: number; [claim: string]: unknown };
}

/**
 * Everything koaJwt() accepts. Every path is checked at start-up; a wrong value stops it with
 * one message that names the path. See the README's config table for defaults.
 */
export interface KoaJwtConfig {
  keys?: {
    algorithm?: Algorithm | Algorithm[];
    secret?: KeyMaterial | KeyMaterial[] | KeysByKid;
    privateKey?: KeyMaterial | KeysByKid;
    publicKey?: KeyMaterial | KeyMaterial[] | KeysByKid;
    insistOnKid?: boolean;
    jwksUri?: string;
    /** How long a fetched remote JWKS is trusted before it is fetched again (default: 600 s). */
    jwksCacheMaxAge?: Duration;
    /** Allow an http:// `jwksUri` to another machine (default false: https, or http to localhost only). */
    jwksAllowHttp?: boolean;
    rotation?: RotationConfig;
    /** A key directory with a manifest (see the README's "Rotating keys"). */
    dir?: string;
  };
  token?: {
    expiresIn?: Duration;
    leeway?: Duration;
    audience?: string | string[];
    issuer?: string | string[];
    tokenId?: 'off' | 'include' | 'require';
    includeUserId?: boolean;
    verifyExpiration?: boolean;
    maxLength?: number;
    /** The longest lifetime (exp − now) accepted; default: the longest this config issues. */
    maxLifetime?: Duration;
    payload?: (user: AuthUser, ctx?: Context) => Record<string, unknown> | Promise<Record<string, unknown>>;
    response?: (result: IssueResult, ctx?: Context) => Record<string, unknown>;
    cache?: false | { max?: number };
  };
  refresh?: {
    allow?: boolean;
    expiresIn?: Duration;
    pair?: false | true | PairConfig;
    cookie?: false | string | CookieConfig;
    /** CSRF defence when the refresh token comes from a cookie. */
    csrf?: { header?: string; origins?: string[] };
  };
  header?: { prefix?: string };
  cookie?: false | string | CookieConfig;
  impersonation?: { cookie?: false | string | CookieConfig };
  userSecrets?: boolean | ((user: AuthUser) => string | Buffer | Promise<string | Buffer>);
  users?: UserProvider;
  userLookup?: 'provider' | 'token';
  store?: Store;
  blacklist?: {
    deleteStale?: boolean;
    onStoreError?: 'deny' | 'allow';
    cache?: boolean;
    cacheSeconds?: Duration;
  };
  jwks?: { maxAge?: Duration };
}

export interface ResolvedCookie {
  readonly name: string;
  readonly domain?: string;
  readonly path: string;
  readonly secure: boolean;
  readonly sameSite: 'strict' | 'lax' | 'none';
  readonly httpOnly: boolean;
}

/** The config after parsing: every default applied, every duration in seconds, frozen. */
export interface ResolvedConfig {
  readonly keyring: Keyring;
  readonly keys: {
    readonly algorithms: readonly Algorithm[];
    readonly insistOnKid: boolean;
    readonly jwksUri?: string;
    readonly jwksCacheMaxAge: number;
    readonly rotation?: Readonly<{
      every: number; algorithm: Algorithm; publishAhead: number; retireAfter: number; checkEvery: number;
      encryptionKey?: Buffer;
    }>;
    readonly dir?: string;
  };
  readonly token: {
    readonly expiresIn: number;
    readonly leeway: number;
    readonly audience?: readonly string[];
    readonly issuer?: readonly string[];
    readonly tokenId: 'off' | 'include' | 'require';
    readonly includeUserId: boolean;
    readonly verifyExpiration: boolean;
    readonly maxLength: number;
    readonly maxLifetime: number;
    readonly payload?: NonNullable<NonNullable<KoaJwtConfig['token']>['payload']>;
    readonly response?: NonNullable<NonNullable<KoaJwtConfig['token']>['response']>;
    readonly cache: false | { readonly max: number };
  };
  readonly refresh: {
    readonly allow: boolean;
    readonly expiresIn: number;
    readonly pair: false | Readonly<{ rotate: boolean; reuseDetection: boolean; expiresIn: number; sliding: boolean }>;
    readonly cookie: false | ResolvedCookie;
    /** No refresh.cookie.path was given: the cookie is scoped to the refresh route's path, found per request. */
    readonly cookieOnRoutePath: boolean;
    readonly csrf: Readonly<{ header: string; origins: readonly string[] }>;
  };
  readonly header: { readonly prefix: string };
  readonly cookie: false | ResolvedCookie;
  readonly impersonation: { readonly cookie: false | ResolvedCookie };
  readonly userSecrets: false | true | ((user: AuthUser) => string | Buffer | Promise<string | Buffer>);
  readonly users?: UserProvider;
  readonly userLookup: 'provider' | 'token';
  readonly store: Store;
  readonly storeTimeout: number;
  readonly blacklist: {
    readonly deleteStale: boolean;
    readonly onStoreError: 'deny' | 'allow';
    readonly cache: boolean;
    readonly cacheSeconds: number;
  };
  readonly jwks: { readonly maxAge: number };
}

export type { KeyState };
