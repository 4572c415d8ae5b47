import type { ResolvedConfig } from '../config/types.js';
import { isMemoryStore } from './memory-store.js';

/** The warning's code, for `process.on('warning')` filters and `--disable-warning`. */
export const MEMORY_STORE_WARNING = 'KOA_JWT_KIT_MEMORY_STORE';

const warned = new Set<string>();

/**
 * Warns once per process when a service that issues tokens runs on memoryStore() with
 * NODE_ENV=production: a restart forgets every revocation (logged-out tokens work again and
 * refresh until their family ends), every family revoked for reuse and every managed key, and
 * instances do not share them. A warning, not an error: one instance that accepts this is a
 * legitimate choice.
 *
 * @example
 * ```ts
 * warnMemoryStoreInProduction(resolved); // in koaJwt(), once the config is resolved
 * ```
 */
export function warnMemoryStoreInProduction(config: Pick<ResolvedConfig, 'store' | 'users' | 'keys' | 'keyring'>, options: { env?: string; emit?: (message: string, options: { code: string }) => void; once?: Set<string> } = {}): void {
  const env = options.env ?? process.env.NODE_ENV;
  if (env !== 'production' || !isMemoryStore(config.store)) return;
  const issues = config.keyring.list().some((k) => k.canSign) || config.keys.rotation !== undefined;
  if (!issues) return;
  const once = options.once ?? warned;
  if (once.has(MEMORY_STORE_WARNING)) return;
  once.add(MEMORY_STORE_WARNING);
  const emit = options.emit ?? ((message, opts) => process.emitWarning(message, { type: 'Warning', code: opts.code }));
  emit(
    'koa-jwt-kit: this service issues tokens with the in-process memoryStore() under NODE_ENV=production. '
    + 'A restart forgets every revocation (logged-out tokens work again and can be refreshed), every family revoked for reuse '
    + 'and every managed signing key, and instances do not share them. Use mongooseStore(connection) from koa-jwt-kit/mongoose, '
    + 'or your own store that passes the Store contract (storeContract from koa-jwt-kit/testing).',
    { code: MEMORY_STORE_WARNING },
  );
}
