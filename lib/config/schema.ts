import { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ALGORITHMS } from '../keyring/algorithms.js';

// The shape of KoaJwtConfig. Values that need more than a shape check (key material,
// durations, secret lengths) are checked where they are resolved, with the same path rules.

const fn = z.custom<(...args: any[]) => unknown>((v) => typeof v === 'function', { message: 'expected a function' });
const material = z.custom<unknown>(
  (v) => typeof v === 'string' || Buffer.isBuffer(v) || v instanceof KeyObject || (typeof v === 'object' && v !== null && typeof (v as { kty?: unknown }).kty === 'string'),
  { message: 'expected key material: a PEM string or Buffer, a KeyObject, a JWK, or a file:/env: reference' },
);
const keysByKid = z.record(z.string(), material);
const duration = z.union([z.number(), z.string()], { message: "expected seconds or a duration such as '5m'" });
const algorithm = z.enum(ALGORITHMS, {
  error: (issue) => (typeof issue.input === 'string' && issue.input.toLowerCase() === 'none'
    ? "'none' (unsigned tokens) is never accepted"
    : `unknown algorithm ${JSON.stringify(issue.input)}; expected one of ${ALGORITHMS.join(', ')}`),
});
// What the cookies package (Koa's ctx.cookies) accepts: checked here so that a wrong value
// stops start-up instead of throwing on the first obtain (a 500).
const cookieName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "expected a cookie name: an HTTP token, without spaces, ';' or '='");
const cookie = z.union([
  z.literal(false),
  cookieName,
  z.strictObject({
    name: cookieName,
    domain: z.string().regex(/^([.]?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i, 'expected a domain name').optional(),
    path: z.string().regex(/^\/[ -:=-~]*$/, "expected a path starting with '/' without ';' or control characters").optional(),
    secure: z.boolean().optional(),
    sameSite: z.enum(['strict', 'lax', 'none']).optional(),
    httpOnly: z.boolean().optional(),
  }),
], { message: 'expected false, a cookie name, or { name, domain, path, secure, sameSite, httpOnly }' });

export const configSchema = z.strictObject({
  keys: z.strictObject({
    algorithm: z.union([algorithm, z.array(algorithm).min(1)]).optional(),
    secret: z.union([material, z.array(material).min(1), keysByKid]).optional(),
    privateKey: z.union([material, keysByKid]).optional(),
    publicKey: z.union([material, z.array(material).min(1), keysByKid]).optional(),
    insistOnKid: z.boolean().optional(),
    jwksUri: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional(),
    jwksCacheMaxAge: duration.optional(),
    jwksAllowHttp: z.boolean().optional(),
    rotation: z.strictObject({
      every: duration,
      algorithm: algorithm.optional(),
      publishAhead: duration.optional(),
      retireAfter: duration.optional(),
      encryptionKey: material.optional(),
      checkEvery: duration.optional(),
    }).optional(),
    dir: z.string().min(1).optional(),
  }).optional(),
  token: z.strictObject({
    expiresIn: duration.optional(),
    leeway: duration.optional(),
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    issuer: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    tokenId: z.enum(['off', 'include', 'require']).optional(),
    includeUserId: z.boolean().optional(),
    verifyExpiration: z.boolean().optional(),
    maxLength: z.number().int().min(64).max(1 << 20).optional(),
    maxLifetime: duration.optional(),
    payload: fn.optional(),
    response: fn.optional(),
    cache: z.union([z.literal(false), z.strictObject({ max: z.number().int().positive().optional() })]).optional(),
  }).optional(),
  refresh: z.strictObject({
    allow: z.boolean().optional(),
    expiresIn: duration.optional(),
    pair: z.union([z.boolean(), z.strictObject({
      rotate: z.boolean().optional(),
      reuseDetection: z.boolean().optional(),
      expiresIn: duration.optional(),
      sliding: z.boolean().optional(),
    })]).optional(),
    cookie: cookie.optional(),
    csrf: z.strictObject({ header: z.string().min(1).optional(), origins: z.array(z.string().min(1)).optional() }).optional(),
  }).optional(),
  header: z.strictObject({ prefix: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP auth scheme token such as Bearer').optional() }).optional(),
  cookie: cookie.optional(),
  impersonation: z.strictObject({ cookie: cookie.optional() }).optional(),
  userSecrets: z.union([z.boolean(), fn]).optional(),
  users: z.custom<unknown>(
    (v) => typeof v === 'object' && v !== null && ['authenticate', 'findById', 'findByUsername'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    { message: 'expected a UserProvider with authenticate, findById and findByUsername (memoryUsers, mongooseUsers)' },
  ).optional(),
  userLookup: z.enum(['provider', 'token']).optional(),
  store: z.custom<unknown>(
    (v) => typeof v === 'object' && v !== null && ['blacklist', 'refreshTokens', 'userSecrets', 'signingKeys'].every((m) => typeof (v as Record<string, unknown>)[m] === 'object'),
    { message: 'expected a Store (memoryStore(), mongooseStore(connection))' },
  ).optional(),
  blacklist: z.strictObject({
    deleteStale: z.boolean().optional(),
    onStoreError: z.enum(['deny', 'allow']).optional(),
    cache: z.boolean().optional(),
    cacheSeconds: duration.optional(),
  }).optional(),
  jwks: z.strictObject({ maxAge: duration.optional() }).optional(),
});
