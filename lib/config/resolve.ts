import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { type Algorithm, algorithmInfo } from '../keyring/algorithms.js';
import { Keyring } from '../keyring/keyring.js';
import { importSecret } from '../keyring/material.js';
import { createRemoteKeySource } from '../keyring/remote.js';
import { memoryStore } from '../stores/memory.js';
import type { Store } from '../stores/store.js';
import type { UserProvider } from '../users/provider.js';
import { resolveCookie } from './cookie.js';
import { parseDuration } from './duration.js';
import { resolveStaticKeys } from './keys.js';
import { configSchema } from './schema.js';
import type { KoaJwtConfig, ResolvedConfig } from './types.js';

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

/** The first schema problem, as one ConfigError naming its path. */
function firstIssue(error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  const base = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return new ConfigError(base ? `${base}.${key}` : key, 'unknown option');
  }
  return new ConfigError(base || 'config', issue.message.replace(/^Invalid input: /, ''));
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

  const algorithms: Algorithm[] = [...new Set(list<Algorithm>(keysIn.algorithm) ?? ['HS256' as const])];
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
  if (pair && pair.expiresIn > refreshExpiresIn && refreshIn.expiresIn !== undefined) {
    throw new ConfigError('refresh.pair.expiresIn', `a refresh token cannot outlive its family (refresh.expiresIn, ${refreshExpiresIn} s)`);
  }

  const staticKeys = resolveStaticKeys(keysIn, algorithms);
  const jwksUri = keysIn.jwksUri;
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
  }

  const hasKeySource = staticKeys.length > 0 || jwksUri !== undefined || rotation !== undefined || keysIn.dir !== undefined;
  if (!hasKeySource) {
    const first = algorithms[0]!;
    throw algorithmInfo(first).family === 'secret'
      ? new ConfigError('keys.secret', `${first} needs a shared secret of at least ${algorithmInfo(first).hashBytes} bytes`)
      : new ConfigError('keys.privateKey', `${first} needs a private key to sign or a public key to verify`);
  }
  const canSign = staticKeys.some((k) => k.signingKey && k.alg === algorithms[0]) || rotation !== undefined || keysIn.dir !== undefined;
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
  const remote = jwksUri ? createRemoteKeySource({ jwksUri, algorithms }) : undefined;
  const keyring = new Keyring(staticKeys, { algorithms, insistOnKid: keysIn.insistOnKid ?? false, ...(remote ? { remote } : {}) });

  const resolved: ResolvedConfig = {
    keyring,
    keys: {
      algorithms,
      insistOnKid: keysIn.insistOnKid ?? false,
      ...(jwksUri ? { jwksUri } : {}),
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
      cookie: resolveCookie(refreshIn.cookie, { path: '/' }),
      csrf: { header: refreshIn.csrf?.header ?? 'x-csrf-token', origins: refreshIn.csrf?.origins ?? [] },
    },
    header: { prefix: config.header?.prefix ?? 'Bearer' },
    cookie: resolveCookie(config.cookie),
    impersonation: { cookie: resolveCookie(config.impersonation?.cookie) },
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
