import type { Authority } from './authority.js';
import type { ResolvedConfig } from './config/types.js';
import type { Keyring } from './keyring/keyring.js';

/**
 * The live parts behind a koaJwt instance: the authority (with its unguarded signer and its
 * event emitter), the resolved config and the whole keyring with its key material. Not exported
 * by any entry point of the package (package.json "exports"): the public surface is the
 * instance's operations. Specs and benchmarks that must reach below it import this module from
 * lib/ directly.
 */
export interface Internals {
  readonly authority: Authority;
  readonly config: ResolvedConfig;
  readonly keyring: Keyring;
}

const registry = new WeakMap<object, Internals>();

export function registerInternals(auth: object, internals: Internals): void {
  registry.set(auth, Object.freeze(internals));
}

/** The live parts of an instance built by koaJwt(); throws for anything else. */
export function internalsOf(auth: object): Internals {
  const internals = registry.get(auth);
  if (!internals) throw new TypeError('internalsOf: not a koaJwt instance');
  return internals;
}
