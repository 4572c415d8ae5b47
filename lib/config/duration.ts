import ms from 'ms';
import { z } from 'zod';

/** A duration as config takes it: seconds as a number, or an `ms`-style string ('5m', '7d'). */
export type Duration = number | string;

/**
 * Seconds, as a non-negative number, or what is wrong with the value.
 *
 * @example
 * ```ts
 * secondsOf('5m'); // 300
 * secondsOf(-1);   // { problem: 'expected a non-negative number of seconds, got -1' }
 * ```
 */
export function secondsOf(value: unknown): number | { problem: string } {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return { problem: `expected a non-negative number of seconds, got ${value}` };
    return value;
  }
  if (typeof value === 'string') {
    const trimmed = value.trim();
    // A bare number string is seconds, as the number form is (ms would read it as milliseconds),
    // and bound as it is: 400 digits are Infinity. ms throws on '' where other text gets undefined.
    if (/^(\d+(\.\d+)?|\.\d+)$/.test(trimmed)) return secondsOf(Number(trimmed));
    const millis = trimmed === '' ? undefined : ms(trimmed as ms.StringValue) as number | undefined;
    if (typeof millis !== 'number' || !Number.isFinite(millis) || millis < 0) {
      return { problem: `expected seconds or a duration such as '5m' or '7d', got ${JSON.stringify(value)}` };
    }
    return millis / 1000;
  }
  return { problem: `expected seconds or a duration such as '5m', got ${typeof value}` };
}

/** A Duration in the config schema: parsed to seconds, or an issue saying what is wrong at its path. */
export const durationSchema = z.union([z.number(), z.string()], { message: "expected seconds or a duration such as '5m'" })
  .transform((value, ctx) => {
    const seconds = secondsOf(value);
    if (typeof seconds === 'number') return seconds;
    ctx.addIssue({ code: 'custom', message: seconds.problem });
    return z.NEVER;
  });
