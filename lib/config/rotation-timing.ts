import { ConfigError } from '../errors.js';

/** The managed-rotation timings (seconds) and the settings they must agree with. */
export interface RotationTimingInput {
  rotation: { every: number; publishAhead: number; retireAfter: number; checkEvery: number };
  /** jwks.maxAge: how long verifiers may cache the JWKS. */
  jwksMaxAge: number;
  /** token.maxLifetime: the longest a token this service signs can live. */
  maxLifetime: number;
  leeway: number;
}

/**
 * The relations between rotation timings that keep every valid token verifiable everywhere
 * (the rotation timeline in docs/reliability.md). Each broken one stops start-up with a
 * ConfigError naming the setting to change.
 *
 * @example
 * ```ts
 * checkRotationTimings({ rotation, jwksMaxAge: 600, maxLifetime: 300, leeway: 0 });
 * ```
 */
export function checkRotationTimings(input: RotationTimingInput): void {
  const { rotation, jwksMaxAge, maxLifetime, leeway } = input;
  if (!(rotation.checkEvery > 0)) {
    throw new ConfigError('keys.rotation.checkEvery', 'must be longer than 0 seconds');
  }
  // A verifier that fetched the JWKS just before the next key was published keeps that copy
  // for jwks.maxAge: the key must not sign before every such copy has been refetched.
  if (rotation.publishAhead < jwksMaxAge) {
    throw new ConfigError('keys.rotation.publishAhead', `must be at least jwks.maxAge (${jwksMaxAge} s): verifiers cache the JWKS that long, and would refuse tokens of a key that signs before their copy has it`);
  }
  // The last token a key signs, just before it retires, lives maxLifetime (+ leeway) more.
  if (rotation.retireAfter < maxLifetime + leeway) {
    throw new ConfigError('keys.rotation.retireAfter', `must be at least token.maxLifetime + token.leeway (${maxLifetime + leeway} s): a retired key must verify every token it signed until it expires`);
  }
}
