import os from 'node:os';
import { ConfigError } from '../errors.js';
import type { Store } from '../stores/store.js';
import { parseDuration } from './duration.js';
import type { HashingConfig, ResolvedConfig, ResolvedLimit, ThrottleConfig, ThrottleLimit } from './types.js';

// Defaults of docs/login-protection.md. A username gets few tries (a person mistypes a few
// times, a guesser needs thousands); an address gets more, since many people share one (NAT).
const DEFAULTS = {
  username: { limit: 5, window: 15 * 60 },
  address: { limit: 100, window: 15 * 60 },
  refresh: { limit: 300, window: 60 },
  impersonate: { limit: 30, window: 60 },
} as const;

type Part = keyof typeof DEFAULTS;

function resolveLimit(input: false | ThrottleLimit | undefined, part: Part): false | ResolvedLimit {
  if (input === false) return false;
  const window = parseDuration(input?.window ?? DEFAULTS[part].window, `throttle.${part}.window`);
  if (!(window > 0)) throw new ConfigError(`throttle.${part}.window`, 'must be longer than 0 seconds');
  return { limit: input?.limit ?? DEFAULTS[part].limit, window };
}

/**
 * `throttle` as koaJwt runs it: on unless `false`, every limit with its defaults. A store
 * without attempt counters (`store.attempts`) stops start-up while a limit is on: counting in
 * one instance's memory would not hold across instances, and silence would read as protection.
 */
export function resolveThrottle(input: false | ThrottleConfig | undefined, store: Store, hasUsers: boolean): ResolvedConfig['throttle'] {
  if (input === false) return false;
  const throttle = {
    username: resolveLimit(input?.username, 'username'),
    address: resolveLimit(input?.address, 'address'),
    refresh: resolveLimit(input?.refresh, 'refresh'),
    impersonate: resolveLimit(input?.impersonate, 'impersonate'),
  };
  const on = Object.values(throttle).some((l) => l !== false);
  // A verify-only service has no login, refresh or impersonate routes to protect.
  if (!on || !hasUsers) return false;
  if (!store.attempts) throw new ConfigError('throttle', 'this store keeps no attempt counters (store.attempts): use memoryStore / mongooseStore, implement them, or set throttle: false');
  return throttle;
}

/** libuv's thread pool size: where scrypt and PBKDF2 run. */
export function threadPoolSize(): number {
  const size = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? Math.min(size, 1024) : 4;
}

/**
 * The default number of hashes at once: the thread pool's size, but never every core. A hash
 * thread per core leaves the event loop none: measured (bench:login, 2 cores, a 64-client flood),
 * 4 hashes at once held a protected GET at 49 ms p50, 1 hash at once at 23 ms (18 ms without
 * any flood protection, whose logins then failed for 36 s).
 */
export function defaultHashConcurrency(): number {
  return Math.min(threadPoolSize(), Math.max(1, os.availableParallelism() - 1));
}

/** `hashing` with its defaults (maxWait in seconds). */
export function resolveHashing(input: HashingConfig | undefined): ResolvedConfig['hashing'] {
  const concurrency = input?.concurrency ?? defaultHashConcurrency();
  const maxWait = parseDuration(input?.maxWait ?? 1, 'hashing.maxWait');
  if (!(maxWait > 0)) throw new ConfigError('hashing.maxWait', 'must be longer than 0 seconds');
  return { concurrency, queue: input?.queue ?? concurrency * 2, maxWait };
}
