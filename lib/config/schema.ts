import { KeyObject } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';
import { ALGORITHMS } from '../keyring/algorithms.js';
import type { KeyMaterial } from '../keyring/material.js';
import type { Store } from '../stores/store.js';
import type { AuthUser, UserProvider } from '../users/provider.js';
import { cookieSchema as cookie } from './cookie.js';
import { durationSchema } from './duration.js';
import { HTTP_TOKEN } from './http-token.js';
import { hashingSchema, throttleSchema } from './throttle-options.js';

// The one description of KoaJwtConfig: its shape and the default of every value that has one of
// its own (the defaults that depend on other options are in lib/config/rules.ts). The input type
// users write is derived from it.

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

const fn = <T extends (...args: never[]) => unknown>() => z.custom<T>((v) => typeof v === 'function', { message: 'expected a function' });
const material = z.custom<KeyMaterial>(
  (v) => typeof v === 'string' || Buffer.isBuffer(v) || v instanceof KeyObject || (typeof v === 'object' && v !== null && typeof (v as { kty?: unknown }).kty === 'string'),
  { message: 'expected key material: a PEM string or Buffer, a KeyObject, a JWK, or a file:/env: reference' },
);
const keysByKid = z.record(z.string(), material);

/** Seconds, or an `ms`-style duration ('5m', '7d'); parsed to seconds. */
const duration = durationSchema;
const algorithm = z.enum(ALGORITHMS, {
  error: (issue) => (typeof issue.input === 'string' && issue.input.toLowerCase() === 'none'
    ? "'none' (unsigned tokens) is never accepted"
    : `unknown algorithm ${JSON.stringify(issue.input)}; expected one of ${ALGORITHMS.join(', ')}`),
});

const rotation = z.strictObject({
  /** How often a new signing key takes over. */
  every: duration,
  /** The algorithm of managed keys (default: keys.algorithm's first). */
  algorithm: algorithm.optional(),
  /** How long before it signs a new key is published (default: jwks.maxAge × 2). */
  publishAhead: duration.optional(),
  /** How long a retired key stays published (default: refresh.expiresIn + leeway + jwks.maxAge). */
  retireAfter: duration.optional(),
  /** Secret that encrypts private keys at rest in the store (at least 32 bytes). */
  encryptionKey: material.optional(),
  /** How often an instance looks at the store for a rotation made by another. */
  checkEvery: duration.default(60),
});
export type RotationConfig = z.input<typeof rotation>;

export const pairSchema = z.strictObject({
  /** Each refresh answers a new refresh token and consumes the old one. */
  rotate: z.boolean().default(true),
  /** A consumed refresh token presented again revokes its whole family. */
  reuseDetection: z.boolean().default(true),
  /** Lifetime of a refresh token (default: refresh.expiresIn when given, else 1 day). */
  expiresIn: duration.optional(),
  /** Each refresh extends the family, never beyond refresh.expiresIn from the first login. */
  sliding: z.boolean().default(false),
});
export type PairConfig = z.input<typeof pairSchema>;

const shape = z.strictObject({
  keys: z.strictObject({
    /** One algorithm or a list: the first signs, all verify (default HS256). */
    algorithm: z.union([algorithm, z.array(algorithm).min(1)]).optional(),
    /** Shared secrets for HS*: one, a list, or `{ kid: secret }`. */
    secret: z.union([material, z.array(material).min(1), keysByKid]).optional(),
    /** Private keys: one, or `{ kid: key }`. */
    privateKey: z.union([material, keysByKid]).optional(),
    /** Public keys (derived from privateKey when absent): one, a list, or `{ kid: key }`. */
    publicKey: z.union([material, z.array(material).min(1), keysByKid]).optional(),
    /** Refuse tokens without a kid. */
    insistOnKid: z.boolean().default(false),
    /** Verify with a remote issuer's JWKS. */
    jwksUri: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional(),
    /** How long a fetched remote JWKS is trusted before it is fetched again. */
    jwksCacheMaxAge: duration.default(600),
    /** Most keys taken from one remote JWKS document; the rest are ignored (an `error` event says so). */
    jwksMaxKeys: z.int().min(1).max(10_000).default(100),
    /** Allow an http:// `jwksUri` to another machine (default: https, or http to this machine only). */
    jwksAllowHttp: z.boolean().default(false),
    /** Managed rotation (docs/rotation.md). */
    rotation: rotation.optional(),
    /** A key directory with a manifest (docs/rotation.md). */
    dir: z.string().min(1).optional(),
  }).prefault({}),
  token: z.strictObject({
    /** Lifetime of an access token. */
    expiresIn: duration.default(300),
    /** Clock tolerance for exp and nbf. */
    leeway: duration.default(0),
    /** How far ahead of this instance's clock `iat` and `nbf` may be: other instances' clocks differ a little. */
    clockSkew: duration.default(5),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    issuer: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** `jti`: left out, included, or required of every token. */
    tokenId: z.enum(['off', 'include', 'require']).default('include'),
    includeUserId: z.boolean().default(true),
    verifyExpiration: z.boolean().default(true),
    /** Longest token accepted, in bytes. */
    maxLength: z.number().int().min(64).max(1 << 20).default(8192),
    /** The longest lifetime (exp − now) accepted; default: the longest this config issues. */
    maxLifetime: duration.optional(),
    payload: fn<(user: AuthUser, ctx?: Context) => Record<string, unknown> | Promise<Record<string, unknown>>>().optional(),
    response: fn<(result: IssueResult, ctx?: Context) => Record<string, unknown>>().optional(),
    /** The verified-token cache (bounded LRU), or false. */
    cache: z.union([z.literal(false), z.strictObject({ max: z.number().int().positive().default(10_000) })]).prefault({}),
  }).prefault({}),
  refresh: z.strictObject({
    allow: z.boolean().default(true),
    /** The family's limit from the first login (orig_iat). */
    expiresIn: duration.optional(),
    /** simplejwt's access/refresh pair. */
    pair: z.union([z.boolean(), pairSchema]).default(false),
    /** The refresh token in an HttpOnly cookie (pair mode). */
    cookie: cookie.default(false),
    /**
     * CSRF defences of the routes that set cookies (see docs/browser.md, "CSRF rules"). `origins`: the origins
     * allowed to call them from a browser (default: the request's own origin). `secret`: the key
     * of the refresh cookie's signed double-submit value, at least 32 bytes (default: derived
     * from the signing key, so it changes when that key does).
     */
    csrf: z.strictObject({
      header: z.string().regex(HTTP_TOKEN, 'expected an HTTP header name').default('x-csrf-token'),
      // An origin as browsers send it: scheme://host[:port], no path and no trailing slash.
      origins: z.array(z.string().regex(/^https?:\/\/[^/?#\s]+$/, "expected an origin such as 'https://app.example' (no path, no trailing slash)")).default([]),
      secret: material.optional(),
    }).prefault({}),
  }).prefault({}),
  header: z.strictObject({
    /** The Authorization scheme, and the scheme of WWW-Authenticate. */
    prefix: z.string().regex(HTTP_TOKEN, 'expected an HTTP auth scheme token such as Bearer').default('Bearer'),
  }).prefault({}),
  /** The access token in a cookie too. */
  cookie: cookie.default(false),
  impersonation: z.strictObject({ cookie: cookie.default(false) }).prefault({}),
  /** Per-user secrets: stored per user (true), or your function (drf-jwt's GET_USER_SECRET_KEY). */
  userSecrets: z.union([z.boolean(), fn<(user: AuthUser) => string | Buffer | Promise<string | Buffer>>()]).default(false),
  users: z.custom<UserProvider>(
    (v) => typeof v === 'object' && v !== null && ['authenticate', 'findById', 'findByUsername'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    { message: 'expected a UserProvider with authenticate, findById and findByUsername (memoryUsers, mongooseUsers)' },
  ).optional(),
  /** 'provider': findById on every request (drf-jwt); 'token': the user from the claims. Default: 'provider' with users. */
  userLookup: z.enum(['provider', 'token']).optional(),
  /** Default: a memoryStore() made by koaJwt(). */
  store: z.custom<Store>(
    (v) => typeof v === 'object' && v !== null && ['blacklist', 'refreshTokens', 'userSecrets', 'signingKeys'].every((m) => typeof (v as Record<string, unknown>)[m] === 'object'),
    { message: 'expected a Store (memoryStore(), mongooseStore(connection))' },
  ).optional(),
  blacklist: z.strictObject({
    deleteStale: z.boolean().default(false),
    /** 'allow' is the explicit opt-in to fail open when the store cannot answer a check. */
    onStoreError: z.enum(['deny', 'allow']).default('deny'),
    /** The in-process revocation cache. */
    cache: z.boolean().default(false),
    cacheSeconds: duration.default(5),
  }).prefault({}),
  jwks: z.strictObject({
    /** Cache-Control max-age of the JWKS. */
    maxAge: duration.default(600),
  }).prefault({}),
  /**
   * How failures leave the middleware and the token routes: `'respond'` (default) answers the
   * JSON contract; `'throw'` throws the KoaJwtError (with `status`, `expose`, `headers`, `code`,
   * `body`) to the app's own error middleware, as koa-jwt does.
   */
  errors: z.enum(['respond', 'throw']).default('respond'),
  /** Login protection (docs/login-protection.md): limits counted in the store; on by default, `false` turns it off. */
  throttle: throttleSchema,
  /** The bound on password hashing (scrypt/PBKDF2 on libuv's thread pool) during logins. */
  hashing: hashingSchema,
});

/**
 * KoaJwtConfig as zod parses it: its shape and the defaults of each value. It reads nothing:
 * lib/config/rules.ts checks the rules between options, lib/config/load-keys.ts loads the keys.
 */
export const configSchema = shape;
