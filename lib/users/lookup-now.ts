import type { AuthUser } from './provider.js';

/**
 * A provider that holds its users in memory may answer a lookup at once, without a promise.
 * Every request with the default `userLookup: 'provider'` looks its user up: through the
 * promise-based UserProvider API (the provider's async function, the store deadline, their
 * microtask hops) that cost ~2.2 µs per request with memoryUsers, about as much as the rest of
 * a cached verification (measured with npm run bench). Internal: not part of the UserProvider contract.
 */
export const lookupNow = Symbol('koa-jwt-kit.lookupNow');

export interface LooksUpNow {
  /** The user of `id`, or of `username` when `id` is undefined. */
  [lookupNow](id: string | undefined, username: string | undefined): AuthUser | undefined;
}

export function looksUpNow(provider: object): provider is LooksUpNow {
  return typeof (provider as Partial<LooksUpNow>)[lookupNow] === 'function';
}
