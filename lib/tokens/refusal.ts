import { TokenInvalidError } from '../errors.js';

/**
 * Builds an error without capturing a stack trace. A refusal an attacker can cause on every
 * request (a flood of forged tokens, each a cache miss) must cost no more than an acceptance:
 * capturing the ~20 frames of a Koa request costs several µs (bench/, measured 7 µs against
 * 0.6 µs without), more than the HMAC it refuses. The stack of such an error says nothing
 * anyway: where a token is refused is its code and message.
 */
export function withoutStack<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A TokenInvalidError (401 token_invalid) without a stack trace, for the verify path. */
export function tokenInvalid(message: string): TokenInvalidError {
  return withoutStack(() => new TokenInvalidError(message));
}

const settled = Promise.resolve();

/**
 * A promise that rejects with `err` once the caller has had the chance to attach its handlers
 * (one microtask later). `Promise.reject(err)` is rejected before anyone listens, so Node books
 * it as a possibly unhandled rejection and un-books it when the handler comes: ~1.4 µs per
 * refusal (bench/), as much again as the refusal itself.
 */
export function rejectLater(err: unknown): Promise<never> {
  return settled.then(() => {
    throw err;
  });
}
