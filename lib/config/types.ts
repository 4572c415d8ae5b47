import type { KeyObject } from 'node:crypto';
import type { z } from 'zod';
import type { Algorithm } from '../keyring/algorithms.js';
import type { Key, KeyState } from '../keyring/key.js';
import type { Keyring } from '../keyring/keyring.js';
import type { KeyMaterial } from '../keyring/material.js';
import type { Store } from '../stores/store.js';
import type { UserProvider } from '../users/provider.js';
import type { ResolvedCookie } from './cookie.js';
import type { configSchema, IssueResult } from './schema.js';
import type { ResolvedHashing, ResolvedThrottle } from './throttle-options.js';

// The config in its three stages: what a user writes (KoaJwtConfig, derived from the one schema,
// lib/config/schema.ts), what parsing makes of it (ParsedOptions: pure, nothing read from disk or
// the environment), and what the key material step adds (ParsedConfig: keys imported, every rule
// that needs a key checked). koaJwt() then builds the live parts (ResolvedConfig).

/**
 * Everything koaJwt() accepts. Every path is checked at start-up; a wrong value stops it with
 * one message that names the path. docs/configuration.md lists every option and its default.
 */
export type KoaJwtConfig = z.input<typeof configSchema>;

type Input = z.output<typeof configSchema>;
type PayloadHandler = NonNullable<Input['token']['payload']>;
type ResponseShaper = NonNullable<Input['token']['response']>;
type UserSecretOf = Exclude<Input['userSecrets'], boolean>;

/** `keys.rotation` with every default applied (seconds). */
export interface ManagedRotationOptions {
  readonly every: number;
  readonly algorithm: Algorithm;
  readonly publishAhead: number;
  readonly retireAfter: number;
  readonly checkEvery: number;
}

/** `refresh.pair` with every default applied: `expiresIn` in seconds. */
export interface PairOptions {
  readonly rotate: boolean;
  readonly reuseDetection: boolean;
  readonly expiresIn: number;
  readonly sliding: boolean;
}

/** `token`: durations in seconds, audience and issuer as lists. */
export interface TokenOptions {
  readonly expiresIn: number;
  readonly leeway: number;
  readonly clockSkew: number;
  readonly audience?: readonly string[];
  readonly issuer?: readonly string[];
  readonly tokenId: 'off' | 'include' | 'require';
  readonly includeUserId: boolean;
  readonly verifyExpiration: boolean;
  readonly maxLength: number;
  /** The longest lifetime accepted: given, else the longest this config issues. */
  readonly maxLifetime: number;
  readonly payload?: PayloadHandler;
  readonly response?: ResponseShaper;
  readonly cache: false | { readonly max: number };
}

/** The sections whose shape is the same before and after the key material step. */
interface CommonOptions {
  readonly token: TokenOptions;
  readonly header: { readonly prefix: string };
  readonly cookie: false | ResolvedCookie;
  readonly impersonation: { readonly cookie: false | ResolvedCookie };
  readonly userSecrets: boolean | UserSecretOf;
  readonly users?: UserProvider;
  readonly userLookup: 'provider' | 'token';
  readonly store?: Store;
  /** Milliseconds a store call may take (the store's own `timeout`, else 2000). */
  readonly storeTimeout: number;
  readonly blacklist: {
    readonly deleteStale: boolean;
    readonly onStoreError: 'deny' | 'allow';
    readonly cache: boolean;
    readonly cacheSeconds: number;
  };
  readonly jwks: { readonly maxAge: number };
  readonly errors: 'respond' | 'throw';
  readonly hashing: ResolvedHashing;
}

/** `refresh`, before the key material step: `csrf.secret` as configured. */
interface RefreshOptions<Csrf> {
  readonly allow: boolean;
  /** The family's limit from the first login, in seconds (default 7 days). */
  readonly expiresIn: number;
  readonly pair: false | PairOptions;
  readonly cookie: false | ResolvedCookie;
  /** No refresh.cookie.path was given: the cookie is scoped to the refresh route's path, found per request. */
  readonly cookieOnRoutePath: boolean;
  /** `origins` empty: the request's own origin. */
  readonly csrf: { readonly header: string; readonly origins: readonly string[] } & Csrf;
}

/** The `keys` options that need no key material. */
interface KeyOptions {
  /** The first signs, all verify. */
  readonly algorithms: readonly Algorithm[];
  readonly insistOnKid: boolean;
  readonly jwksUri?: string;
  readonly jwksCacheMaxAge: number;
  readonly jwksMaxKeys: number;
  readonly dir?: string;
}

/**
 * The config after parsing: every default applied, every duration in seconds, every rule
 * between options that needs no key checked, frozen. Key material is still as configured
 * (a PEM, a `file:`/`env:` reference, a JWK): loadKeyMaterial() reads and imports it.
 */
export interface ParsedOptions extends CommonOptions {
  readonly keys: KeyOptions & {
    readonly secret?: KeyMaterial | readonly KeyMaterial[] | Readonly<Record<string, KeyMaterial>>;
    readonly privateKey?: KeyMaterial | Readonly<Record<string, KeyMaterial>>;
    readonly publicKey?: KeyMaterial | readonly KeyMaterial[] | Readonly<Record<string, KeyMaterial>>;
    readonly rotation?: ManagedRotationOptions & { readonly encryptionKey?: KeyMaterial };
  };
  readonly refresh: RefreshOptions<{ readonly secret?: KeyMaterial }>;
  /** The limits as configured; whether they apply depends on whether this service signs. */
  readonly throttle: false | ResolvedThrottle;
}

/** The config with its key material loaded: what koaJwt() builds the live parts from. */
export interface ParsedConfig extends CommonOptions {
  readonly keys: KeyOptions & {
    /** The configured keys and those of keys.dir, imported once; koaJwt() puts them in its keyring. */
    readonly static: readonly Key[];
    readonly rotation?: ManagedRotationOptions & { readonly encryptionKey?: Buffer };
  };
  /** `csrf.key`: the HMAC key of the double-submit value (with refresh.cookie). */
  readonly refresh: RefreshOptions<{ readonly key?: KeyObject }>;
  /** `false` as well for a service that issues no tokens: it has no route to protect. */
  readonly throttle: false | ResolvedThrottle;
}

/** What koaJwt() builds from a ParsedConfig and the modules run with: the keyring and the store are live. */
export type ResolvedConfig = ParsedConfig & {
  readonly keyring: Keyring;
  readonly store: Store;
};

export type { CookieConfig, ResolvedCookie } from './cookie.js';
export type { PairConfig, RotationConfig } from './schema.js';
export type { HashingConfig, ResolvedLimit, ThrottleConfig, ThrottleLimit } from './throttle-options.js';
export type { IssueResult, KeyState };
