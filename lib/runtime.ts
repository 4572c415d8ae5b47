import type { ParsedConfig, ResolvedConfig } from './config/types.js';
import { ConfigError } from './errors.js';
import { Keyring } from './keyring/keyring.js';
import { createRemoteKeySource, type RemoteKeySourceOptions } from './keyring/remote.js';
import { memoryStore } from './stores/memory-store.js';

/**
 * The live parts of an instance, built once from a parsed config: the keyring (with the remote
 * key source of `keys.jwksUri`, which tells `onRemoteKeyError` of keys it ignores or refuses)
 * and the store (`memoryStore()` unless one is given).
 *
 * @example
 * ```ts
 * const runtime = buildRuntime(resolveConfig(config));
 * runtime.keyring.jwks();
 * ```
 */
export function buildRuntime(parsed: ParsedConfig, options: { onRemoteKeyError?: RemoteKeySourceOptions['onError'] } = {}): ResolvedConfig {
  const { keys } = parsed;
  const remote = keys.jwksUri !== undefined
    ? createRemoteKeySource({
      jwksUri: keys.jwksUri, algorithms: keys.algorithms, cacheMaxAge: keys.jwksCacheMaxAge * 1000, maxKeys: keys.jwksMaxKeys,
      ...(options.onRemoteKeyError ? { onError: options.onRemoteKeyError } : {}),
    })
    : undefined;
  const keyring = new Keyring(keys.static, { algorithms: keys.algorithms, insistOnKid: keys.insistOnKid, ...(remote ? { remote } : {}) });
  return Object.freeze({ ...parsed, keyring, store: parsed.store ?? memoryStore() });
}

/** A service that can sign issues tokens, and so needs users to log in (a verify-only one does not). */
export function assertUsersToIssue(config: Pick<ResolvedConfig, 'users' | 'keys' | 'keyring'>): void {
  const canSign = config.keys.rotation !== undefined || config.keyring.signingKey() !== undefined;
  if (!config.users && canSign) {
    throw new ConfigError('users', 'required to issue tokens: give a UserProvider such as memoryUsers([...]) (a verify-only service has keys.jwksUri or public keys only)');
  }
}
