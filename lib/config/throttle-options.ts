import { z } from 'zod';
import { durationSchema } from './duration.js';
import type { ConfigEnvironment } from './environment.js';

// Login protection's options (docs/login-protection.md). A username gets few tries (a person
// mistypes a few times, a guesser needs thousands); an address gets more, since many people
// share one (NAT).
const DEFAULTS = {
  username: { limit: 5, window: 15 * 60 },
  address: { limit: 100, window: 15 * 60 },
  refresh: { limit: 300, window: 60 },
  impersonate: { limit: 30, window: 60 },
} as const;

type Part = keyof typeof DEFAULTS;

const window = durationSchema.refine((seconds) => seconds > 0, 'must be longer than 0 seconds');

/** One limit: at most `limit` counted attempts per `window`, or `false`; defaults per part. */
const limit = (part: Part) => z.union([z.literal(false), z.strictObject({
  limit: z.number().int().min(1).default(DEFAULTS[part].limit),
  window: window.default(DEFAULTS[part].window),
})], { message: 'expected false or { limit, window }' }).prefault({});

export const throttleSchema = z.union([z.literal(false), z.strictObject({
  /** Failed logins per username (default 5 per 15 min). */
  username: limit('username'),
  /** Failed logins per client address, Koa's `ctx.ip` (default 100 per 15 min). */
  address: limit('address'),
  /** Refresh requests per client address (default 300 per minute). */
  refresh: limit('refresh'),
  /** Impersonate requests per client address (default 30 per minute). */
  impersonate: limit('impersonate'),
})], { message: 'expected false or { username, address, refresh, impersonate }' }).prefault({});

/** Login protection: limits counted in the store; on by default, `false` turns it off. */
export type ThrottleConfig = Exclude<z.input<typeof throttleSchema>, false | undefined>;
/** One limit of `throttle`. */
export type ThrottleLimit = Exclude<NonNullable<ThrottleConfig['username']>, false>;
/** A limit after parsing: `window` in seconds. */
export type ResolvedLimit = Readonly<{ limit: number; window: number }>;
/** `throttle` after parsing: each limit, or `false`. */
export type ResolvedThrottle = Readonly<Record<'username' | 'address' | 'refresh' | 'impersonate', false | ResolvedLimit>>;

/**
 * The default number of hashes at once: the thread pool's size, but never every core. A hash
 * thread per core leaves the event loop none: measured (bench:login, 2 cores, a 64-client flood),
 * 4 hashes at once held a protected GET at 49 ms p50, 1 hash at once at 23 ms (18 ms without
 * any flood protection, whose logins then failed for 36 s).
 */
export function defaultHashConcurrency(environment: ConfigEnvironment): number {
  return Math.min(environment.threadPoolSize, Math.max(1, environment.cores - 1));
}

export const hashingSchema = z.strictObject({
  /** Hashes running at once (default: the thread pool's size, UV_THREADPOOL_SIZE or 4, at most the cores less one). */
  concurrency: z.number().int().min(1).max(1024).optional(),
  /** Logins that may wait for a free slot (default: 2 × concurrency); beyond it, 429 at once. */
  queue: z.number().int().min(0).max(100_000).optional(),
  /** The longest a login waits for a slot before it is answered 429 (default 1 s). */
  maxWait: window.default(1),
}).prefault({});

/** `hashing` with its defaults: those of concurrency and queue depend on the machine. */
export function resolveHashing(hashing: z.output<typeof hashingSchema>, environment: ConfigEnvironment): ResolvedHashing {
  const concurrency = hashing.concurrency ?? defaultHashConcurrency(environment);
  return { concurrency, queue: hashing.queue ?? concurrency * 2, maxWait: hashing.maxWait };
}

/** `hashing` after parsing: `maxWait` in seconds. */
export type ResolvedHashing = Readonly<{ concurrency: number; queue: number; maxWait: number }>;

/** The bound on password hashing (scrypt/PBKDF2 on libuv's thread pool) during logins. */
export type HashingConfig = z.input<typeof hashingSchema>;
