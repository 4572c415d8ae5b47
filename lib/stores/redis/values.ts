import { stringIds } from '../string-id.js';

// Checks and conversions between the Store's typed values and Redis's strings. A value of the
// wrong type is refused before any command is sent: a non-string id never becomes part of a
// key, and a date that is not a Date never becomes a TTL.

/** A string, or a TypeError naming the argument. */
export const str = stringIds('redisStore');

/** A valid Date as integer milliseconds (a string, as Redis takes it), or a TypeError. */
export function ms(value: unknown, name: string): string {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) throw new TypeError(`redisStore: ${name} must be a valid Date`);
  return String(value.getTime());
}

/** A Date from a stored millisecond string. */
export const toDate = (stored: string): Date => new Date(Number(stored));
