import { createHmac } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ResolvedConfig } from '../config/types.js';
import { ConfigError, TokenInvalidError, UserNotFoundError } from '../errors.js';
import { type Algorithm, algorithmInfo } from './algorithms.js';
import { createKey, type Key } from './key.js';
import { withStoreTimeout } from '../stores/timeout.js';
import type { SigningKeyOverride } from '../tokens/issuer.js';
import type { KeyOverride } from '../tokens/verifier.js';
import type { AuthUser } from '../users/provider.js';

/** The kid of tokens signed with a per-user key: tells them apart from keyring tokens at a glance. */
export const USER_KID = 'user';

// A user id longer than this is not looked up: the store is never asked about attacker-sized strings.
const MAX_USER_ID = 255;

export interface UserSecrets {
  /** Issuer hook: the user's key signs their HS tokens. */
  readonly signingKeyOverride: SigningKeyOverride;
  /** Verifier hook: the key of the token's (unverified) user_id, or undefined for keyring tokens. */
  readonly keyOverride: KeyOverride;
  /** Replaces the user's stored secret: every earlier token of that user stops verifying at once. */
  rotate(user: AuthUser | string | number): Promise<void>;
  /** Calls `listener` with the user id after each rotation on this instance (the verified-token cache drops that user). */
  onRotate(listener: (userId: string) => void): void;
}

/**
 * Per-user signing secrets (drf-jwt's GET_USER_SECRET_KEY). With `userSecrets: true` a random
 * secret per user lives in `store.userSecrets` (created on first issue) and a key of the HS
 * algorithm's length is derived from it; with `userSecrets: (user) => secret` the function's
 * value is the key, as in drf-jwt. Undefined when `userSecrets` is off.
 *
 * @example
 * ```ts
 * const secrets = createUserSecrets(config);
 * const issuer = createIssuer(config, keyring, { signingKeyOverride: secrets?.signingKeyOverride });
 * ```
 */
export function createUserSecrets(config: Pick<ResolvedConfig, 'userSecrets' | 'store' | 'storeTimeout' | 'users' | 'keys'>): UserSecrets | undefined {
  const { userSecrets, store, storeTimeout, users } = config;
  if (!userSecrets) return undefined;
  const signingAlg = config.keys.algorithms[0]!;
  const hsAlgorithms = config.keys.algorithms.filter((a) => algorithmInfo(a).family === 'secret');
  // A KeyObject costs ~5 µs to build; the cache is keyed by the secret itself, so a rotated
  // secret simply misses and the old key is never found again.
  const keys = new LRUCache<string, Key>({ max: 1000 });

  function keyOf(secret: string | Buffer, alg: Algorithm): Key {
    const id = `${alg}\0${Buffer.isBuffer(secret) ? secret.toString('base64') : secret}`;
    let key = keys.get(id);
    if (!key) {
      // The stored secret is random; HMAC stretches it to the hash length the algorithm needs.
      const material = userSecrets === true ? createHmac('sha512', secret).update(`koa-jwt-kit user key ${alg}`).digest().subarray(0, algorithmInfo(alg).hashBytes) : secret;
      key = createKey({ alg, kid: USER_KID, secret: material }, { state: 'active', path: 'userSecrets' });
      keys.set(id, key);
    }
    return key;
  }

  async function userById(id: string): Promise<AuthUser | undefined> {
    // Without users only the token's user_id is known (its username is not verified yet): an id is not a username.
    if (!users) return { id };
    return withStoreTimeout(storeTimeout, () => users.findById(id), { part: 'users', operation: 'findById' });
  }

  async function secretOf(id: string, create: boolean): Promise<string | Buffer | undefined> {
    if (userSecrets === true) {
      // Verification never creates a secret for an id a token merely claims: the user must exist.
      if (!create && users && !(await userById(id))) return undefined;
      return withStoreTimeout(storeTimeout, () => store.userSecrets.get(id), { part: 'userSecrets', operation: 'get' });
    }
    const user = await userById(id);
    if (!user) return undefined;
    const secretFor = userSecrets as Exclude<typeof userSecrets, boolean>;
    return withStoreTimeout(storeTimeout, async () => secretFor(user), { part: 'userSecrets', operation: 'secretFor' });
  }

  const signingKeyOverride: SigningKeyOverride = async (userId) => {
    if (algorithmInfo(signingAlg).family !== 'secret') return undefined;
    const secret = await secretOf(userId, true);
    if (secret === undefined) throw new UserNotFoundError(`userSecrets: no secret for the user ${userId} to sign a token with.`);
    const key = keyOf(secret, signingAlg);
    return { key, kid: USER_KID };
  };

  const keyOverride: KeyOverride = async (jws, unverified) => {
    const alg = jws.header.alg;
    if (!hsAlgorithms.includes(alg)) return undefined;
    const raw = unverified.user_id;
    if (raw === undefined) {
      if (jws.header.kid === USER_KID) throw new TokenInvalidError('The token names no user (user_id).');
      return undefined;
    }
    if ((typeof raw !== 'string' && typeof raw !== 'number') || String(raw).length === 0 || String(raw).length > MAX_USER_ID) {
      throw new TokenInvalidError('The token user_id is malformed.');
    }
    const secret = await secretOf(String(raw), false);
    // Same answer as a bad signature: an unauthenticated caller learns nothing about user ids.
    if (secret === undefined) throw new TokenInvalidError('The token signature is invalid.');
    return keyOf(secret, alg);
  };

  async function rotate(user: AuthUser | string | number): Promise<void> {
    if (userSecrets !== true) throw new ConfigError('userSecrets', 'is a function: rotate the secret it returns for this user instead of calling rotateUserSecret');
    const id = typeof user === 'object' ? String(user.id) : String(user);
    await withStoreTimeout(storeTimeout, () => store.userSecrets.rotate(id), { part: 'userSecrets', operation: 'rotate' });
    for (const listener of listeners) listener(id);
  }

  const listeners: Array<(userId: string) => void> = [];
  const onRotate = (listener: (userId: string) => void) => void listeners.push(listener);

  return { signingKeyOverride, keyOverride, rotate, onRotate };
}
