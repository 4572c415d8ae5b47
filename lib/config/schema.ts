import { KeyObject } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { ALGORITHMS, type Algorithm, algorithmInfo } from '../keyring/algorithms.js';
import { loadKeyDir } from '../keyring/dir.js';
import type { Key } from '../keyring/key.js';
import { importSecret, type KeyMaterial } from '../keyring/material.js';
import type { Store } from '../stores/store.js';
import type { AuthUser, UserProvider } from '../users/provider.js';
import { cookieSchema as cookie, resolveCookie } from './cookie.js';
import { resolveCsrfKey } from './csrf-key.js';
import { durationSchema } from './duration.js';
import { HTTP_TOKEN } from './http-token.js';
import { resolveJwksUri } from './jwks-uri.js';
import { checkRotationTimings } from './rotation-timing.js';
import { resolveStaticKeys } from './static-keys.js';
import { hashingSchema, throttleSchema } from './throttle-options.js';

// The one description of KoaJwtConfig: its shape, its defaults, and how each value is
// normalised (durations to seconds, key material to KeyObjects, cookies to their options).
// resolveConfig() parses with it; the input type users write is derived from it.

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

const pair = z.strictObject({
  /** Each refresh answers a new refresh token and consumes the old one. */
  rotate: z.boolean().default(true),
  /** A consumed refresh token presented again revokes its whole family. */
  reuseDetection: z.boolean().default(true),
  /** Lifetime of a refresh token (default: refresh.expiresIn when given, else 1 day). */
  expiresIn: duration.optional(),
  /** Each refresh extends the family, never beyond refresh.expiresIn from the first login. */
  sliding: z.boolean().default(false),
});
export type PairConfig = z.input<typeof pair>;

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
    pair: z.union([z.boolean(), pair]).default(false),
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

type Shape = z.output<typeof shape>;

/** The rules between options, and the values that depend on several of them. */
function normalise(config: Shape) {
  const { keys: keysIn, token: tokenIn, refresh: refreshIn } = config;
  const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? [...v] : [v]);

  // Managed rotation alone (`keys: { rotation: { algorithm: 'ES256', ... } }`) names the algorithm once.
  const algorithms: Algorithm[] = [...new Set(keysIn.algorithm !== undefined ? list(keysIn.algorithm) : [keysIn.rotation?.algorithm ?? 'HS256' as const])];
  if (tokenIn.expiresIn <= 0) throw new ConfigError('token.expiresIn', 'must be longer than 0 seconds');
  const refreshExpiresIn = refreshIn.expiresIn ?? 7 * 86400;
  const maxAge = config.jwks.maxAge;

  const pairIn = refreshIn.pair === true ? pair.parse({}) : refreshIn.pair || undefined;
  const pairMode = pairIn ? { ...pairIn, expiresIn: pairIn.expiresIn ?? refreshIn.expiresIn ?? 86400 } : false as const;
  // Pair mode records, consumes and revokes refresh tokens by jti: it cannot work without one.
  if (pairMode && tokenIn.tokenId === 'off') throw new ConfigError('token.tokenId', "refresh.pair records refresh tokens by jti: tokenId cannot be 'off'");
  if (pairMode && pairMode.expiresIn > refreshExpiresIn && refreshIn.expiresIn !== undefined) {
    throw new ConfigError('refresh.pair.expiresIn', `a refresh token cannot outlive its family (refresh.expiresIn, ${refreshExpiresIn} s)`);
  }

  // Keys of the key directory join the configured ones, after them (the config's keys sign first).
  const configured = resolveStaticKeys(keysIn, algorithms);
  const fromDir = keysIn.dir !== undefined ? loadKeyDir(keysIn.dir, algorithms) : [];
  const staticKeys: Key[] = [...configured, ...fromDir];
  const kids = new Set<string>();
  for (const key of staticKeys) {
    if (kids.has(key.kid)) throw new ConfigError('keys.dir', `the kid ${key.kid} is both in the config and in the key directory`);
    kids.add(key.kid);
  }
  const maxLifetime = tokenIn.maxLifetime ?? Math.max(tokenIn.expiresIn, pairMode ? pairMode.expiresIn : 0);
  const rotationIn = keysIn.rotation;
  const managed = rotationIn ? {
    every: rotationIn.every,
    algorithm: rotationIn.algorithm ?? algorithms[0]!,
    publishAhead: rotationIn.publishAhead ?? maxAge * 2,
    retireAfter: rotationIn.retireAfter ?? Math.max(refreshExpiresIn, maxLifetime) + tokenIn.leeway + maxAge,
    checkEvery: rotationIn.checkEvery,
    ...(rotationIn.encryptionKey !== undefined ? { encryptionKey: importSecret(rotationIn.encryptionKey, 'keys.rotation.encryptionKey').export() } : {}),
  } : undefined;
  if (managed) {
    checkRotation(managed, algorithms);
    checkRotationTimings({ rotation: managed, jwksMaxAge: maxAge, maxLifetime, leeway: tokenIn.leeway });
  }

  const jwksUri = resolveJwksUri(keysIn);
  const hasKeySource = staticKeys.length > 0 || jwksUri !== undefined || managed !== undefined;
  if (!hasKeySource && keysIn.dir !== undefined) throw new ConfigError('keys.dir', `${keysIn.dir} has no keys yet: create one with \`koa-jwt-kit keys generate --dir ${keysIn.dir} --state active\``);
  if (!hasKeySource) {
    const first = algorithms[0]!;
    throw algorithmInfo(first).family === 'secret'
      ? new ConfigError('keys.secret', `is undefined: ${first} needs a shared secret of at least ${algorithmInfo(first).hashBytes} bytes (when it comes from process.env, is that variable set?)`)
      : new ConfigError('keys.privateKey', `${first} needs a private key to sign or a public key to verify`);
  }
  checkSigner(staticKeys, fromDir, algorithms, managed !== undefined);
  if (config.users && jwksUri === undefined && !managed && !config.userSecrets) checkIssuerCanSign(staticKeys, fromDir);
  if (config.userSecrets && algorithmInfo(algorithms[0]!).family !== 'secret') {
    throw new ConfigError('userSecrets', `per-user secrets sign with HS*, but keys.algorithm starts with ${algorithms[0]}`);
  }
  // The user key is that of the token's user_id: without it every token would be signed with the
  // service secret, and rotating a user's secret would log nobody out.
  if (config.userSecrets && !tokenIn.includeUserId) throw new ConfigError('token.includeUserId', 'must be true with userSecrets: the user key is found by the token\'s user_id');
  const userLookup = config.userLookup ?? (config.users ? 'provider' : 'token');
  if (userLookup === 'provider' && !config.users) throw new ConfigError('userLookup', "'provider' needs users");
  const storeTimeout = config.store?.timeout ?? 2000;
  if (!(storeTimeout > 0)) throw new ConfigError('store.timeout', `expected a positive number of milliseconds, got ${storeTimeout}`);

  const throttle = resolveThrottle(config, staticKeys, managed !== undefined);

  const refreshCookie = resolveCookie(refreshIn.cookie, { path: '/', at: 'refresh.cookie' });
  const csrfKey = resolveCsrfKey(refreshIn.csrf, refreshCookie, staticKeys);
  return {
    keys: {
      algorithms: algorithms as readonly Algorithm[],
      /** The configured keys and those of keys.dir, imported once; koaJwt() puts them in its keyring. */
      static: staticKeys as readonly Key[],
      insistOnKid: keysIn.insistOnKid,
      ...(jwksUri !== undefined ? { jwksUri } : {}),
      jwksCacheMaxAge: keysIn.jwksCacheMaxAge,
      jwksMaxKeys: keysIn.jwksMaxKeys,
      ...(managed ? { rotation: managed } : {}),
      ...(keysIn.dir !== undefined ? { dir: keysIn.dir } : {}),
    },
    token: {
      ...tokenIn,
      ...(tokenIn.audience !== undefined ? { audience: list(tokenIn.audience) as readonly string[] } : {}),
      ...(tokenIn.issuer !== undefined ? { issuer: list(tokenIn.issuer) as readonly string[] } : {}),
      maxLifetime,
    } as Omit<Shape['token'], 'audience' | 'issuer' | 'maxLifetime'> & { audience?: readonly string[]; issuer?: readonly string[]; maxLifetime: number },
    refresh: {
      allow: refreshIn.allow,
      expiresIn: refreshExpiresIn,
      pair: pairMode,
      cookie: refreshCookie,
      /** No refresh.cookie.path was given: the cookie is scoped to the refresh route's path, found per request. */
      cookieOnRoutePath: typeof refreshIn.cookie === 'string' || (typeof refreshIn.cookie === 'object' && refreshIn.cookie.path === undefined),
      /** `origins` empty: the request's own origin. `key`: the HMAC key of the double-submit value (with refresh.cookie). */
      csrf: { header: refreshIn.csrf.header, origins: refreshIn.csrf.origins as readonly string[], ...(csrfKey ? { key: csrfKey } : {}) } as { header: string; origins: readonly string[]; key?: KeyObject },
    },
    header: config.header,
    cookie: resolveCookie(config.cookie, { at: 'cookie' }),
    impersonation: { cookie: resolveCookie(config.impersonation.cookie, { at: 'impersonation.cookie' }) },
    userSecrets: config.userSecrets,
    ...(config.users ? { users: config.users } : {}),
    userLookup,
    ...(config.store ? { store: config.store } : {}),
    storeTimeout,
    blacklist: config.blacklist,
    jwks: config.jwks,
    errors: config.errors,
    throttle,
    hashing: config.hashing,
  };
}

/**
 * `throttle` as koaJwt runs it. A service that issues no tokens has no login, refresh or
 * impersonate route to protect. A store without attempt counters (`store.attempts`) stops
 * start-up while a limit is on: counting in one instance's memory would not hold across
 * instances, and silence would read as protection.
 */
function resolveThrottle(config: Shape, keys: readonly Key[], managed: boolean) {
  const throttle = config.throttle;
  if (throttle === false || !Object.values(throttle).some((l) => l !== false)) return false as const;
  if (!config.users && !managed && !keys.some((k) => k.signingKey)) return false as const;
  if (config.store && !config.store.attempts) throw new ConfigError('throttle', 'this store keeps no attempt counters (store.attempts): use memoryStore / mongooseStore, implement them, or set throttle: false');
  return throttle;
}

type ManagedRotation = { every: number; algorithm: Algorithm; publishAhead: number; retireAfter: number; checkEvery: number; encryptionKey?: Buffer };

function checkRotation(rotation: ManagedRotation, algorithms: readonly Algorithm[]): void {
  if (rotation.every <= 0) throw new ConfigError('keys.rotation.every', 'must be longer than 0 seconds');
  if (!algorithms.includes(rotation.algorithm)) throw new ConfigError('keys.rotation.algorithm', `${rotation.algorithm} is not one of keys.algorithm (${algorithms.join(', ')})`);
  if (algorithmInfo(rotation.algorithm).family === 'secret') throw new ConfigError('keys.rotation.algorithm', 'managed rotation makes asymmetric keys (RS*, PS*, ES*, EdDSA), which can be published');
  if (rotation.encryptionKey && rotation.encryptionKey.length < 32) throw new ConfigError('keys.rotation.encryptionKey', `needs at least 32 bytes, got ${rotation.encryptionKey.length}`);
  if (rotation.algorithm !== algorithms[0]) throw new ConfigError('keys.rotation.algorithm', `managed keys sign, so ${rotation.algorithm} must come first in keys.algorithm (${algorithms.join(', ')})`);
  if (rotation.publishAhead >= rotation.every) throw new ConfigError('keys.rotation.publishAhead', `must be shorter than keys.rotation.every (${rotation.every} s)`);
  // Every instance must have loaded the next key from the store before any instance signs with it.
  if (rotation.checkEvery > rotation.publishAhead) throw new ConfigError('keys.rotation.checkEvery', `must not be longer than keys.rotation.publishAhead (${rotation.publishAhead} s), or an instance could meet a token signed by a key it has not loaded yet`);
}

/**
 * A service that holds signing material must be able to sign from the first request: a key
 * directory whose only key was retired would otherwise start and answer every login with a 500.
 */
function checkSigner(keys: readonly Key[], fromDir: readonly Key[], algorithms: readonly Algorithm[], managed: boolean): void {
  const signers = keys.filter((k) => k.signingKey);
  if (managed || signers.length === 0) return;
  const first = algorithms[0]!;
  const ofFirst = signers.filter((k) => k.alg === first);
  if (ofFirst.length === 0) throw new ConfigError('keys.algorithm', `${first} signs (it is first), but no key for it can sign`);
  if (!ofFirst.some((k) => k.state === 'active')) {
    const inDir = ofFirst.every((k) => fromDir.includes(k));
    throw new ConfigError(inDir ? 'keys.dir' : 'keys', `no ${first} key that can sign is active (${ofFirst.map((k) => `${k.kid}: ${k.state}`).join(', ')}): promote one with \`koa-jwt-kit keys promote <kid>\``);
  }
}

/**
 * `users` make a service that issues tokens (POST /token logs in); with local keys that only
 * verify (a public key given where the private half was meant), it would start and answer every
 * login and refresh with a 503. A remote JWKS (`keys.jwksUri`) names another issuer: there the
 * users serve the lookups of its tokens, and nothing is signed.
 */
function checkIssuerCanSign(keys: readonly Key[], fromDir: readonly Key[]): void {
  if (keys.some((k) => k.signingKey)) return;
  const path = keys.every((k) => fromDir.includes(k)) ? 'keys.dir' : 'keys.publicKey';
  throw new ConfigError(path, 'users are given, so this service issues tokens, but no key can sign (public keys only verify): give keys.privateKey (or keys.secret), or leave users out for a verify-only service');
}

/** KoaJwtConfig as zod parses it: shape, defaults, per-value normalisation, then the rules between options. */
export const configSchema = shape.transform(normalise);
