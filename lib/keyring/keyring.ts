import { ConfigError, KeyInvalidError, KeyNotFoundError, TokenInvalidError } from '../errors.js';
import type { Algorithm } from './algorithms.js';
import { type PublicJwk, toPublicJwk } from './jwks.js';
import { createKey, isValidKid, type Key, type KeySpec, type KeyState } from './key.js';

/** What `keyring.list()` tells of a key: never its material. */
export interface KeyInfo {
  kid: string;
  alg: Algorithm;
  state: KeyState;
  createdAt: Date;
  notAfter?: Date;
  canSign: boolean;
  published: boolean;
}

/** The protected header fields the keyring needs to pick a key. */
export interface KeyHint {
  alg: Algorithm;
  kid?: string;
}

/**
 * Keys this keyring does not hold itself but can fetch, such as a remote JWKS (`keys.jwksUri`).
 * Asked only for a kid the keyring does not know.
 */
export interface RemoteKeySource {
  /** Resolves the key of `kid`, or undefined when the issuer does not publish it. */
  getKey(kid: string, alg: Algorithm): Promise<Key | undefined>;
  /** Resolves every key of `alg`, for tokens without a kid. */
  getKeys(alg: Algorithm): Promise<readonly Key[]>;
  close?(): void;
}

export type KeyringChange = { type: 'add' | 'promote' | 'retire' | 'remove'; kid: string };

/**
 * Asked for a kid this keyring does not hold, when it may be a key another instance created
 * (managed rotation): resolves once the keys have been read again (the kid is then looked up
 * once more), rejects with StoreUnavailableError when they cannot be read, and answers
 * undefined for a kid that cannot be one of them (refused at once, no store read).
 */
export type KeyLoader = (kid: string, alg: Algorithm) => Promise<void> | undefined;

/**
 * Kid-indexed keys with states. Signing uses the first `active` key of the first configured
 * algorithm; verification uses the token's kid (that key only) or, without a kid, every key
 * of the token's alg unless `insistOnKid`. Every change takes effect at once for signing,
 * verification and the JWKS.
 *
 * @example
 * ```ts
 * auth.keyring.add({ kid: '2026-12', alg: 'ES256', privateKey: pem }, { state: 'next' });
 * auth.keyring.promote('2026-12'); // signs from now on; the old signer is retired
 * ```
 */
export class Keyring {
  readonly algorithms: readonly Algorithm[];
  readonly insistOnKid: boolean;
  readonly remote?: RemoteKeySource;
  #keys = new Map<string, Key>();
  #byAlg = new Map<Algorithm, Key[]>();
  #signer: Key | undefined;
  #jwks: { keys: PublicJwk[] } = { keys: [] };
  #jwksJson = '{"keys":[]}';
  #listeners = new Set<(change: KeyringChange) => void>();
  #signGate: (() => Promise<void> | undefined) | undefined;
  #keyLoader: KeyLoader | undefined;

  constructor(keys: readonly Key[], options: { algorithms: readonly Algorithm[]; insistOnKid?: boolean; remote?: RemoteKeySource }) {
    this.algorithms = Object.freeze([...options.algorithms]);
    this.insistOnKid = options.insistOnKid ?? false;
    if (options.remote) this.remote = options.remote;
    for (const key of keys) {
      // Two keys under one kid would make the token's kid ambiguous: refuse rather than pick one.
      if (this.#keys.has(key.kid)) throw new ConfigError('keys', `two keys have the kid ${key.kid}`);
      this.#keys.set(key.kid, key);
    }
    this.#reindex();
  }

  /** The signing algorithm: the first configured one. */
  get signingAlgorithm(): Algorithm {
    return this.algorithms[0]!;
  }

  /** The key that signs now, or undefined for a verify-only keyring. */
  signingKey(): Key | undefined {
    return this.#signer;
  }

  /** Every key with its state, in keyring order. */
  list(): KeyInfo[] {
    return [...this.#keys.values()].map((k) => ({
      kid: k.kid, alg: k.alg, state: k.state, createdAt: k.createdAt,
      ...(k.notAfter ? { notAfter: k.notAfter } : {}),
      canSign: k.signingKey !== undefined, published: k.verifyingKey.type === 'public',
    }));
  }

  /** The key of `kid`, if this keyring holds it. */
  get(kid: string): Key | undefined {
    return this.#keys.get(kid);
  }

  /** Adds a key (`next` by default: published and verifying, not signing). */
  add(spec: KeySpec | Key, options: { state?: KeyState; notAfter?: Date; createdAt?: Date } = {}): KeyInfo {
    const key: Key = 'verifyingKey' in spec
      ? Object.freeze({
        ...spec, state: options.state ?? spec.state,
        ...(options.createdAt ? { createdAt: options.createdAt } : {}), ...(options.notAfter ? { notAfter: options.notAfter } : {}),
      })
      : createKey(spec, { state: options.state ?? 'next', verifies: this.algorithms, path: 'key', ...options });
    if (this.#keys.has(key.kid)) throw new KeyInvalidError(`keyring: kid ${key.kid} is already present`);
    if (key.labelOnly && this.insistOnKid) throw new KeyInvalidError('keyring: with insistOnKid a secret needs a kid (its tokens would carry none)');
    if (!this.algorithms.includes(key.alg)) throw new KeyInvalidError(`keyring: ${key.alg} is not one of keys.algorithm (${this.algorithms.join(', ')})`);
    // An active key added is meant to sign: it goes before the current signer.
    if (key.state === 'active') this.#keys = new Map([[key.kid, key], ...this.#keys]);
    else this.#keys.set(key.kid, key);
    this.#changed({ type: 'add', kid: key.kid });
    return this.list().find((k) => k.kid === key.kid)!;
  }

  /** Makes `kid` the signing key; the previous signer becomes `retired`. */
  promote(kid: string): void {
    const key = this.#require(kid);
    if (!key.signingKey) throw new KeyInvalidError(`keyring: ${kid} has no private key or secret and cannot sign`);
    // Only a key of the signing algorithm can become the signer; anything else would leave the
    // old signer signing while the caller believes the new one does.
    if (key.alg !== this.signingAlgorithm) throw new KeyInvalidError(`keyring: ${kid} is an ${key.alg} key, but ${this.signingAlgorithm} signs (the first of keys.algorithm)`);
    const previous = this.#signer;
    const next = new Map<string, Key>([[kid, Object.freeze({ ...key, state: 'active' as const })]]);
    for (const [k, v] of this.#keys) {
      if (k === kid) continue;
      next.set(k, previous && k === previous.kid ? Object.freeze({ ...v, state: 'retired' as const }) : v);
    }
    this.#keys = next;
    this.#changed({ type: 'promote', kid });
  }

  /** Stops `kid` from signing; it still verifies and stays published. */
  retire(kid: string, notAfter?: Date): void {
    const key = this.#require(kid);
    this.#keys.set(kid, Object.freeze({ ...key, state: 'retired' as const, ...(notAfter ? { notAfter } : {}) }));
    this.#changed({ type: 'retire', kid });
  }

  /** Removes `kid`: tokens it signed stop verifying at once. */
  remove(kid: string): void {
    this.#require(kid);
    this.#keys.delete(kid);
    this.#changed({ type: 'remove', kid });
  }

  /**
   * Installs the check that runs before each signature (managed rotation: wait for the first
   * sync with the store, or sync when a rotation is due). Undefined removes it.
   */
  setSignGate(gate: (() => Promise<void> | undefined) | undefined): void {
    this.#signGate = gate;
  }

  /** Installs the loader asked for unknown kids (managed rotation). Undefined removes it. */
  setKeyLoader(loader: KeyLoader | undefined): void {
    this.#keyLoader = loader;
  }

  /** What the issuer awaits before it signs: undefined (nothing to wait for) on the fast path. */
  beforeSign(): Promise<void> | undefined {
    return this.#signGate?.();
  }

  /** Calls `listener` after every change (caches drop what the change made stale). */
  onChange(listener: (change: KeyringChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The JWKS document: public parts of the asymmetric keys in every state. */
  jwks(): { keys: PublicJwk[] } {
    return this.#jwks;
  }

  /** The JWKS document, serialised once per change. */
  jwksJson(): string {
    return this.#jwksJson;
  }

  /**
   * The keys a token with this header may be verified with. Synchronous for keys held here
   * (the hot path); a Promise only when a remote source must be asked. Throws
   * TokenInvalidError when no key may verify it.
   */
  candidates(hint: KeyHint): readonly Key[] | Promise<readonly Key[]> {
    const { alg, kid } = hint;
    if (!this.algorithms.includes(alg)) throw new TokenInvalidError(`The token's algorithm ${alg} is not accepted.`);
    if (kid !== undefined) {
      if (!isValidKid(kid)) throw new TokenInvalidError('The token header has an invalid kid.');
      const key = this.#keys.get(kid);
      if (key) {
        if (!key.algorithms.includes(alg)) throw new TokenInvalidError(`The key ${kid} does not verify ${alg}.`);
        return [key];
      }
      if (this.remote) return this.#remoteKey(kid, alg);
      const loading = this.#keyLoader?.(kid, alg);
      if (loading) return loading.then(() => this.#loaded(kid, alg));
      throw new TokenInvalidError('The token was signed with an unknown key.');
    }
    if (this.insistOnKid) throw new TokenInvalidError('The token header has no kid.');
    const keys = this.#byAlg.get(alg);
    if (keys && keys.length > 0) return keys;
    if (this.remote) return this.#remoteKeys(alg);
    throw new TokenInvalidError(`No key verifies ${alg}.`);
  }

  async #remoteKey(kid: string, alg: Algorithm): Promise<readonly Key[]> {
    const key = await this.remote!.getKey(kid, alg);
    if (!key) throw new TokenInvalidError('The token was signed with an unknown key.');
    if (!key.algorithms.includes(alg)) throw new TokenInvalidError(`The key ${kid} does not verify ${alg}.`);
    return [key];
  }

  #loaded(kid: string, alg: Algorithm): readonly Key[] {
    const key = this.#keys.get(kid);
    if (!key) throw new TokenInvalidError('The token was signed with an unknown key.');
    if (!key.algorithms.includes(alg)) throw new TokenInvalidError(`The key ${kid} does not verify ${alg}.`);
    return [key];
  }

  async #remoteKeys(alg: Algorithm): Promise<readonly Key[]> {
    const keys = (await this.remote!.getKeys(alg)).filter((k) => k.algorithms.includes(alg));
    if (keys.length === 0) throw new TokenInvalidError(`No key verifies ${alg}.`);
    return keys;
  }

  #require(kid: string): Key {
    const key = this.#keys.get(kid);
    if (!key) throw new KeyNotFoundError(`keyring: no key ${kid}`);
    return key;
  }

  #changed(change: KeyringChange): void {
    this.#reindex();
    for (const listener of this.#listeners) listener(change);
  }

  #reindex(): void {
    this.#byAlg = new Map();
    for (const key of this.#keys.values()) {
      for (const alg of key.algorithms) {
        const list = this.#byAlg.get(alg) ?? [];
        list.push(key);
        this.#byAlg.set(alg, list);
      }
    }
    const signingAlg = this.signingAlgorithm;
    this.#signer = [...this.#keys.values()].find((k) => k.state === 'active' && k.alg === signingAlg && k.signingKey !== undefined);
    const keys: PublicJwk[] = [];
    for (const key of this.#keys.values()) {
      const jwk = toPublicJwk(key);
      if (jwk) keys.push(jwk);
    }
    // Frozen: the document is shared by every caller until the next change.
    this.#jwks = Object.freeze({ keys: Object.freeze(keys.map((k) => Object.freeze(k))) as PublicJwk[] });
    this.#jwksJson = JSON.stringify(this.#jwks);
  }
}
