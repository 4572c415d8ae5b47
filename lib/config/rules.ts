import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { type Algorithm, algorithmInfo } from '../keyring/algorithms.js';
import { resolveCookie } from './cookie.js';
import type { ConfigEnvironment } from './environment.js';
import { resolveJwksUri } from './jwks-uri.js';
import { checkRotationTimings } from './rotation-timing.js';
import { type configSchema, pairSchema } from './schema.js';
import { resolveHashing } from './throttle-options.js';
import type { ManagedRotationOptions, PairOptions, ParsedOptions, TokenOptions } from './types.js';

type Shape = z.output<typeof configSchema>;

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? [...v] : [v]);

/**
 * The rules between options, and the defaults that depend on several of them. Pure: it reads
 * no file, no environment variable (`environment` carries what the defaults need) and imports no
 * key; lib/config/load-keys.ts does that next, with the rules that need a key.
 */
export function applyRules(config: Shape, environment: ConfigEnvironment): ParsedOptions {
  const { keys: keysIn, token: tokenIn, refresh: refreshIn } = config;

  // Managed rotation alone (`keys: { rotation: { algorithm: 'ES256', ... } }`) names the algorithm once.
  const algorithms: Algorithm[] = [...new Set(keysIn.algorithm !== undefined ? list(keysIn.algorithm) : [keysIn.rotation?.algorithm ?? 'HS256' as const])];
  if (tokenIn.expiresIn <= 0) throw new ConfigError('token.expiresIn', 'must be longer than 0 seconds');
  const refreshExpiresIn = refreshIn.expiresIn ?? 7 * 86400;
  const maxAge = config.jwks.maxAge;

  const pairIn = refreshIn.pair === true ? pairSchema.parse({}) : refreshIn.pair || undefined;
  const pair: false | PairOptions = pairIn ? { ...pairIn, expiresIn: pairIn.expiresIn ?? refreshIn.expiresIn ?? 86400 } : false;
  // Pair mode records, consumes and revokes refresh tokens by jti: it cannot work without one.
  if (pair && tokenIn.tokenId === 'off') throw new ConfigError('token.tokenId', "refresh.pair records refresh tokens by jti: tokenId cannot be 'off'");
  if (pair && pair.expiresIn > refreshExpiresIn && refreshIn.expiresIn !== undefined) {
    throw new ConfigError('refresh.pair.expiresIn', `a refresh token cannot outlive its family (refresh.expiresIn, ${refreshExpiresIn} s)`);
  }

  const maxLifetime = tokenIn.maxLifetime ?? Math.max(tokenIn.expiresIn, pair ? pair.expiresIn : 0);
  const rotationIn = keysIn.rotation;
  const managed = rotationIn ? {
    every: rotationIn.every,
    algorithm: rotationIn.algorithm ?? algorithms[0]!,
    publishAhead: rotationIn.publishAhead ?? maxAge * 2,
    retireAfter: rotationIn.retireAfter ?? Math.max(refreshExpiresIn, maxLifetime) + tokenIn.leeway + maxAge,
    checkEvery: rotationIn.checkEvery,
    ...(rotationIn.encryptionKey !== undefined ? { encryptionKey: rotationIn.encryptionKey } : {}),
  } : undefined;
  if (managed) {
    checkRotation(managed, algorithms);
    checkRotationTimings({ rotation: managed, jwksMaxAge: maxAge, maxLifetime, leeway: tokenIn.leeway });
  }

  const jwksUri = resolveJwksUri(keysIn);
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

  const { production } = environment;
  const { audience, issuer, ...tokenRest } = tokenIn;
  const token: TokenOptions = {
    ...tokenRest,
    ...(audience !== undefined ? { audience: list(audience) } : {}),
    ...(issuer !== undefined ? { issuer: list(issuer) } : {}),
    maxLifetime,
  };
  const throttle = config.throttle;
  return {
    keys: {
      algorithms,
      ...(keysIn.secret !== undefined ? { secret: keysIn.secret } : {}),
      ...(keysIn.privateKey !== undefined ? { privateKey: keysIn.privateKey } : {}),
      ...(keysIn.publicKey !== undefined ? { publicKey: keysIn.publicKey } : {}),
      insistOnKid: keysIn.insistOnKid,
      ...(jwksUri !== undefined ? { jwksUri } : {}),
      jwksCacheMaxAge: keysIn.jwksCacheMaxAge,
      jwksMaxKeys: keysIn.jwksMaxKeys,
      ...(managed ? { rotation: managed } : {}),
      ...(keysIn.dir !== undefined ? { dir: keysIn.dir } : {}),
    },
    token,
    refresh: {
      allow: refreshIn.allow,
      expiresIn: refreshExpiresIn,
      pair,
      cookie: resolveCookie(refreshIn.cookie, { path: '/', at: 'refresh.cookie', production }),
      cookieOnRoutePath: typeof refreshIn.cookie === 'string' || (typeof refreshIn.cookie === 'object' && refreshIn.cookie.path === undefined),
      csrf: { header: refreshIn.csrf.header, origins: refreshIn.csrf.origins, ...(refreshIn.csrf.secret !== undefined ? { secret: refreshIn.csrf.secret } : {}) },
    },
    header: config.header,
    cookie: resolveCookie(config.cookie, { at: 'cookie', production }),
    impersonation: { cookie: resolveCookie(config.impersonation.cookie, { at: 'impersonation.cookie', production }) },
    userSecrets: config.userSecrets,
    ...(config.users ? { users: config.users } : {}),
    userLookup,
    ...(config.store ? { store: config.store } : {}),
    storeTimeout,
    blacklist: config.blacklist,
    jwks: config.jwks,
    errors: config.errors,
    throttle: throttle === false || !Object.values(throttle).some((l) => l !== false) ? false : throttle,
    hashing: resolveHashing(config.hashing, environment),
  };
}

function checkRotation(rotation: ManagedRotationOptions, algorithms: readonly Algorithm[]): void {
  if (rotation.every <= 0) throw new ConfigError('keys.rotation.every', 'must be longer than 0 seconds');
  if (!algorithms.includes(rotation.algorithm)) throw new ConfigError('keys.rotation.algorithm', `${rotation.algorithm} is not one of keys.algorithm (${algorithms.join(', ')})`);
  if (algorithmInfo(rotation.algorithm).family === 'secret') throw new ConfigError('keys.rotation.algorithm', 'managed rotation makes asymmetric keys (RS*, PS*, ES*, EdDSA), which can be published');
  if (rotation.algorithm !== algorithms[0]) throw new ConfigError('keys.rotation.algorithm', `managed keys sign, so ${rotation.algorithm} must come first in keys.algorithm (${algorithms.join(', ')})`);
  if (rotation.publishAhead >= rotation.every) throw new ConfigError('keys.rotation.publishAhead', `must be shorter than keys.rotation.every (${rotation.every} s)`);
  // Every instance must have loaded the next key from the store before any instance signs with it.
  if (rotation.checkEvery > rotation.publishAhead) throw new ConfigError('keys.rotation.checkEvery', `must not be longer than keys.rotation.publishAhead (${rotation.publishAhead} s), or an instance could meet a token signed by a key it has not loaded yet`);
}
