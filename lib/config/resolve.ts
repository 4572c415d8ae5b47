import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { type Algorithm, algorithmInfo } from '../keyring/algorithms.js';
import { Keyring } from '../keyring/keyring.js';
import { importSecret } from '../keyring/material.js';
import { loadKeyDir } from '../keyring/dir.js';
import { createRemoteKeySource } from '../keyring/remote.js';
import { memoryStore } from '../stores/memory.js';
import type { Store } from '../stores/store.js';
import type { UserProvider } from '../users/provider.js';
import { resolveCookie } from './cookie.js';
import { parseDuration } from './duration.js';
import { resolveStaticKeys } from './keys.js';
import { resolveJwksUri } from './jwks-uri.js';
import { configSchema } from './schema.js';
import type { KoaJwtConfig, ResolvedConfig } from './types.js';

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

type Issue = z.core.$ZodIssue;

/**
 * For a value that matched no branch of a union ("a cookie name or { name, … }"), the issue
 * of the branch the user evidently meant: the one that got deepest into the value, else the
 * union's own message, else the one of the right type but a wrong value.
 */
function unionIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const firsts = issue.errors.map((branch) => branch[0]).filter((i): i is Issue => i !== undefined);
  const deepest = firsts.reduce<Issue | undefined>((best, i) => (i.path.length > (best?.path.length ?? 0) ? i : best), undefined);
  const pick = deepest
    ?? (/^Invalid input$/.test(issue.message) ? firsts.find((i) => i.code !== 'invalid_type' && i.code !== 'invalid_union') : undefined);
  if (!pick) return issue;
  return unionIssue({ ...pick, path: [...issue.path, ...pick.path] } as Issue);
}

/** The first schema problem, as one ConfigError naming its path. */
function firstIssue(error: z.ZodError): ConfigError {
  const issue = unionIssue(error.issues[0]!);
  const base = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return new ConfigError(base ? `${base}.${key}` : key, 'unknown option');
  }
  return new ConfigError(base || 'config', issue.message.replace(/^Invalid (input|option): /, ''));
}

// Freezes the plain option objects; the store, the users provider and the keyring are live
// objects owned by their modules and are left as they are.
const LIVE = new Set(['store', 'users', 'keyring']);
const deepFreeze = <T extends object>(value: T, top = true): T => {
  for (const [k, v] of Object.entries(value)) {
    if (top && LIVE.has(k)) continue;
    if (Array.isArray(v)) Object.freeze(v);
    else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) deepFreeze(v, false);
  }
  return Object.freeze(value);
};

const list = <T>(v: T | T[] | undefined): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? [...v] : [v]);

/**
 * Parses a KoaJwtConfig once into a frozen ResolvedConfig: defaults applied, durations in
 * seconds, keys imported as KeyObjects. Throws one ConfigError naming the first wrong path.
 */
export function resolveConfig(input: KoaJwtConfig): ResolvedConfig {
  if (typeof input !== 'object' || input === null) throw new ConfigError('config', 'expected an object');
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw firstIssue(parsed.error);
  const config = input;
  const keysIn = config.keys ?? {};
  const tokenIn = config.token ?? {};
  const refreshIn = config.refresh ?? {};

  // Managed rotation alone (`keys: { rotation: { algorithm: 'ES256', ... } }`) names the algorithm once.
  const algorithms: Algorithm[] = [...new Set(list<Algorithm>(keysIn.algorithm) ?? [keysIn.rotation?.algorithm ?? 'HS256' as const])];
  const leeway = parseDuration(tokenIn.leeway ?? 0, 'token.leeway');
  const expiresIn = parseDuration(tokenIn.expiresIn ?? '5m', 'token.expiresIn');
  if (expiresIn <= 0) throw new ConfigError('token.expiresIn', 'must be longer than 0 seconds');
  const refreshExpiresIn = parseDuration(refreshIn.expiresIn ?? '7d', 'refresh.expiresIn');
  const maxAge = parseDuration(config.jwks?.maxAge ?? 600, 'jwks.maxAge');

  const pairIn = refreshIn.pair === true ? {} : refreshIn.pair || undefined;
  const pair = pairIn ? {
    rotate: pairIn.rotate ?? true,
    reuseDetection: pairIn.reuseDetection ?? true,
    expiresIn: parseDuration(pairIn.expiresIn ?? refreshIn.expiresIn ?? '1d', 'refresh.pair.expiresIn'),
    sliding: pairIn.sliding ?? false,
  } : false as const;
  // Pair mode records, consumes and revokes refresh tokens by jti: it cannot work without one.
  if (pair && tokenIn.tokenId === 'off') throw new ConfigError('token.tokenId', "refresh.pair records refresh tokens by jti: tokenId cannot be 'off'");
  if (pair && pair.expiresIn > refreshExpiresIn && refreshIn.expiresIn !== undefined) {
    throw new ConfigError('refresh.pair.expiresIn', `a refresh token cannot outlive its family (refresh.expiresIn, ${refreshExpiresIn} s)`);
  }

  // Keys of the key directory join the configured ones, after them (the config's keys sign first).
  const staticKeys = [...resolveStaticKeys(keysIn, algorithms), ...(keysIn.dir !== undefined ? loadKeyDir(keysIn.dir, algorithms) : [])];
  const kids = new Set<string>();
  for (const key of staticKeys) {
    if (kids.has(key.kid)) throw new ConfigError('keys.dir', `the kid ${key.kid} is both in the config and in the key directory`);
    kids.add(key.kid);
  }
  const jwksUri = resolveJwksUri(keysIn);
  const rotationIn = keysIn.rotation;
  const rotation = rotationIn ? {
    every: parseDuration(rotationIn.every, 'keys.rotation.every'),
    algorithm: rotationIn.algorithm ?? algorithms[0]!,
    publishAhead: parseDuration(rotationIn.publishAhead ?? maxAge * 2, 'keys.rotation.publishAhead'),
    retireAfter: parseDuration(rotationIn.retireAfter ?? refreshExpiresIn + leeway + maxAge, 'keys.rotation.retireAfter'),
    checkEvery: parseDuration(rotationIn.checkEvery ?? 60, 'keys.rotation.checkEvery'),
    ...(rotationIn.encryptionKey !== undefined ? { encryptionKey: importSecret(rotationIn.encryptionKey, 'keys.rotation.encryptionKey').export() } : {}),
  } : undefined;
  if (rotation) {
    if (rotation.every <= 0) throw new ConfigError('keys.rotation.every', 'must be longer than 0 seconds');
    if (!algorithms.includes(rotation.algorithm)) throw new ConfigError('keys.rotation.algorithm', `${rotation.algorithm} is not one of keys.algorithm (${algorithms.join(', ')})`);
    if (algorithmInfo(rotation.algorithm).family === 'secret') throw new ConfigError('keys.rotation.algorithm', 'managed rotation makes asymmetric keys (RS*, PS*, ES*, EdDSA), which can be published');
    if (rotation.encryptionKey && rotation.encryptionKey.length < 32) throw new ConfigError('keys.rotation.encryptionKey', `needs at least 32 bytes, got ${rotation.encryptionKey.length}`);
    if (rotation.algorithm !== algorithms[0]) throw new ConfigError('keys.rotation.algorithm', `managed keys sign, so ${rotation.algorithm} must come first in keys.algorithm (${algorithms.join(', ')})`);
    if (rotation.publishAhead >= rotation.every) throw new ConfigError('keys.rotation.publishAhead', `must be shorter than keys.rotation.every (${rotation.every} s)`);
    // Every instance must have loaded the next key from the store before any instance signs with it.
    if (rotation.checkEvery > rotation.publishAhead) throw new ConfigError('keys.rotation.checkEvery', `must not be longer than keys.rotation.publishAhead (${rotation.publishAhead} s), or an instance could meet a token signed by a key it has not loaded yet`);
  }

  const hasKeySource = staticKeys.length > 0 || jwksUri !== undefined || rotation !== undefined;
  if (!hasKeySource && keysIn.dir !== undefined) throw new ConfigError('keys.dir', `${keysIn.dir} has no keys yet: create one with \`koa-jwt-kit keys generate --dir ${keysIn.dir} --state active\``);
  if (!hasKeySource) {
    const first = algorithms[0]!;
    throw algorithmInfo(first).family === 'secret'
      ? new ConfigError('keys.secret', `${first} needs a shared secret of at least ${algorithmInfo(first).hashBytes} bytes`)
      : new ConfigError('keys.privateKey', `${first} needs a private key to sign or a public key to verify`);
  }
  const canSign = staticKeys.some((k) => k.signingKey && k.alg === algorithms[0]) || rotation !== undefined;
  const signingKeyExpected = staticKeys.some((k) => k.signingKey);
  if (signingKeyExpected && !canSign) {
    throw new ConfigError('keys.algorithm', `${algorithms[0]} signs (it is first), but no key for it can sign`);
  }
  const verifyOnly = !canSign;
  if (!config.users && !verifyOnly) {
    throw new ConfigError('users', 'required to issue tokens: give a UserProvider such as memoryUsers([...]) (a verify-only service has keys.jwksUri or public keys only)');
  }
  if (config.userSecrets && algorithmInfo(algorithms[0]!).family !== 'secret') {
    throw new ConfigError('userSecrets', `per-user secrets sign with HS*, but keys.algorithm starts with ${algorithms[0]}`);
  }
  const userLookup = config.userLookup ?? (config.users ? 'provider' : 'token');
  if (userLookup === 'provider' && !config.users) throw new ConfigError('userLookup', "'provider' needs users");

  const store = (config.store as Store | undefined) ?? memoryStore();
  const storeTimeout = store.timeout ?? 2000;
  if (!(storeTimeout > 0)) throw new ConfigError('store.timeout', `expected a positive number of milliseconds, got ${storeTimeout}`);

  const maxLifetime = parseDuration(tokenIn.maxLifetime ?? Math.max(expiresIn, pair ? pair.expiresIn : 0), 'token.maxLifetime');
  const jwksCacheMaxAge = parseDuration(keysIn.jwksCacheMaxAge ?? 600, 'keys.jwksCacheMaxAge');
  const remote = jwksUri ? createRemoteKeySource({ jwksUri, algorithms, cacheMaxAge: jwksCacheMaxAge * 1000 }) : undefined;
  const keyring = new Keyring(staticKeys, { algorithms, insistOnKid: keysIn.insistOnKid ?? false, ...(remote ? { remote } : {}) });

  const resolved: ResolvedConfig = {
    keyring,
    keys: {
      algorithms,
      insistOnKid: keysIn.insistOnKid ?? false,
      ...(jwksUri ? { jwksUri } : {}),
      jwksCacheMaxAge,
      ...(rotation ? { rotation } : {}),
      ...(keysIn.dir ? { dir: keysIn.dir } : {}),
    },
    token: {
      expiresIn,
      leeway,
      ...(tokenIn.audience ? { audience: list(tokenIn.audience)! } : {}),
      ...(tokenIn.issuer ? { issuer: list(tokenIn.issuer)! } : {}),
      tokenId: tokenIn.tokenId ?? 'include',
      includeUserId: tokenIn.includeUserId ?? true,
      verifyExpiration: tokenIn.verifyExpiration ?? true,
      maxLength: tokenIn.maxLength ?? 8192,
      maxLifetime,
      ...(tokenIn.payload ? { payload: tokenIn.payload } : {}),
      ...(tokenIn.response ? { response: tokenIn.response } : {}),
      cache: tokenIn.cache === false ? false : { max: tokenIn.cache?.max ?? 10_000 },
    },
    refresh: {
      allow: refreshIn.allow ?? true,
      expiresIn: refreshExpiresIn,
      pair,
      cookie: resolveCookie(refreshIn.cookie, { path: '/', at: 'refresh.cookie' }),
      cookieOnRoutePath: typeof refreshIn.cookie === 'string' || (typeof refreshIn.cookie === 'object' && refreshIn.cookie.path === undefined),
      csrf: { header: refreshIn.csrf?.header ?? 'x-csrf-token', origins: refreshIn.csrf?.origins ?? [] },
    },
    header: { prefix: config.header?.prefix ?? 'Bearer' },
    cookie: resolveCookie(config.cookie, { at: 'cookie' }),
    impersonation: { cookie: resolveCookie(config.impersonation?.cookie, { at: 'impersonation.cookie' }) },
    userSecrets: config.userSecrets ?? false,
    ...(config.users ? { users: config.users as UserProvider } : {}),
    userLookup,
    store,
    storeTimeout,
    blacklist: {
      deleteStale: config.blacklist?.deleteStale ?? false,
      onStoreError: config.blacklist?.onStoreError ?? 'deny',
      cache: config.blacklist?.cache ?? false,
      cacheSeconds: parseDuration(config.blacklist?.cacheSeconds ?? 5, 'blacklist.cacheSeconds'),
    },
    jwks: { maxAge },
  };
  return deepFreeze(resolved);
}
