import type { z } from 'zod';
import type { Keyring } from '../keyring/keyring.js';
import type { KeyState } from '../keyring/key.js';
import type { Store } from '../stores/store.js';
import type { configSchema } from './schema.js';

// The types of the config, all derived from the one schema (lib/config/schema.ts).

/**
 * Everything koaJwt() accepts. Every path is checked at start-up; a wrong value stops it with
 * one message that names the path. docs/configuration.md lists every option and its default.
 */
export type KoaJwtConfig = z.input<typeof configSchema>;

/** The config after parsing: every default applied, every duration in seconds, keys imported, frozen. */
export type ParsedConfig = Readonly<z.output<typeof configSchema>>;

/** What koaJwt() builds from a ParsedConfig and the modules run with: the keyring and the store are live. */
export type ResolvedConfig = ParsedConfig & {
  readonly keyring: Keyring;
  readonly store: Store;
};

export type { CookieConfig, ResolvedCookie } from './cookie.js';
export type { IssueResult, PairConfig, RotationConfig } from './schema.js';
export type { HashingConfig, ResolvedLimit, ThrottleConfig, ThrottleLimit } from './throttle-options.js';
export type { KeyState };
