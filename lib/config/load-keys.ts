import { ConfigError } from '../errors.js';
import { type Algorithm, algorithmInfo } from '../keyring/algorithms.js';
import { loadKeyDir } from '../keyring/dir.js';
import type { Key } from '../keyring/key.js';
import { importSecret } from '../keyring/material.js';
import { resolveCsrfKey } from './csrf-key.js';
import { resolveStaticKeys } from './static-keys.js';
import type { ParsedConfig, ParsedOptions } from './types.js';

/**
 * The key material step of start-up: reads `file:` and `env:` references and the key directory,
 * imports every key once, and checks the rules that need the keys (a service that holds signing
 * material can sign from the first request; a refresh cookie has a CSRF key). The only step of
 * the config that reads the disk and the environment.
 *
 * @example
 * ```ts
 * const config = loadKeyMaterial(parseConfig({ keys: { secret: 'env:JWT_SECRET' }, users }, currentEnvironment()));
 * config.keys.static[0].kid;
 * ```
 */
export function loadKeyMaterial(options: ParsedOptions): ParsedConfig {
  const { keys: keysIn, refresh } = options;
  const { algorithms } = keysIn;
  // Keys of the key directory join the configured ones, after them (the config's keys sign first).
  const configured = resolveStaticKeys(keysIn, algorithms);
  const fromDir = keysIn.dir !== undefined ? loadKeyDir(keysIn.dir, algorithms) : [];
  const staticKeys: Key[] = [...configured, ...fromDir];
  const kids = new Set<string>();
  for (const key of staticKeys) {
    if (kids.has(key.kid)) throw new ConfigError('keys.dir', `the kid ${key.kid} is both in the config and in the key directory`);
    kids.add(key.kid);
  }
  const rotation = keysIn.rotation ? withEncryptionKey(keysIn.rotation) : undefined;
  const managed = rotation !== undefined;

  const hasKeySource = staticKeys.length > 0 || keysIn.jwksUri !== undefined || managed;
  if (!hasKeySource && keysIn.dir !== undefined) throw new ConfigError('keys.dir', `${keysIn.dir} has no keys yet: create one with \`koa-jwt-kit keys generate --dir ${keysIn.dir} --state active\``);
  if (!hasKeySource) {
    const first = algorithms[0]!;
    throw algorithmInfo(first).family === 'secret'
      ? new ConfigError('keys.secret', `is undefined: ${first} needs a shared secret of at least ${algorithmInfo(first).hashBytes} bytes (when it comes from process.env, is that variable set?)`)
      : new ConfigError('keys.privateKey', `${first} needs a private key to sign or a public key to verify`);
  }
  checkSigner(staticKeys, fromDir, algorithms, managed);
  if (options.users && keysIn.jwksUri === undefined && !managed && !options.userSecrets) checkIssuerCanSign(staticKeys, fromDir);

  const { secret: _secret, privateKey: _privateKey, publicKey: _publicKey, rotation: _rotation, ...keyOptions } = keysIn;
  const { secret: csrfSecret, ...csrf } = refresh.csrf;
  const csrfKey = resolveCsrfKey(csrfSecret !== undefined ? { secret: csrfSecret } : undefined, refresh.cookie, staticKeys);
  return {
    ...options,
    keys: {
      ...keyOptions,
      static: staticKeys,
      ...(rotation ? { rotation } : {}),
    },
    refresh: { ...refresh, csrf: { ...csrf, ...(csrfKey ? { key: csrfKey } : {}) } },
    throttle: resolveThrottle(options, staticKeys, managed),
  };
}

type Rotation = NonNullable<ParsedOptions['keys']['rotation']>;

/** Managed rotation with its encryption key (which seals private keys at rest in the store) imported. */
function withEncryptionKey(rotation: Rotation): NonNullable<ParsedConfig['keys']['rotation']> {
  const { encryptionKey: material, ...timing } = rotation;
  if (material === undefined) return timing;
  const encryptionKey = importSecret(material, 'keys.rotation.encryptionKey').export();
  if (encryptionKey.length < 32) throw new ConfigError('keys.rotation.encryptionKey', `needs at least 32 bytes, got ${encryptionKey.length}`);
  return { ...timing, encryptionKey };
}

/**
 * `throttle` as koaJwt runs it. A service that issues no tokens has no login, refresh or
 * impersonate route to protect. A store without attempt counters (`store.attempts`) stops
 * start-up while a limit is on: counting in one instance's memory would not hold across
 * instances, and silence would read as protection.
 */
function resolveThrottle(options: ParsedOptions, keys: readonly Key[], managed: boolean): ParsedConfig['throttle'] {
  const { throttle } = options;
  if (throttle === false) return false;
  if (!options.users && !managed && !keys.some((k) => k.signingKey)) return false;
  if (options.store && !options.store.attempts) throw new ConfigError('throttle', 'this store keeps no attempt counters (store.attempts): use memoryStore / mongooseStore, implement them, or set throttle: false');
  return throttle;
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
