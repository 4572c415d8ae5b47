import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';

export type FailureMode = 'reject' | 'hang';

export interface FailingStore {
  /** The store to configure: it forwards to `inner` until `fail()` is called. */
  readonly store: Store;
  /** The wrapped store, to look at what was (not) written. */
  readonly inner: Store;
  /** From now on every call rejects (`reject`) or never answers (`hang`). */
  fail(mode?: FailureMode): void;
  /** Calls go through again. */
  recover(): void;
  /** How many calls were refused since the last `fail()`. */
  readonly refused: number;
}

/**
 * A store that fails on demand, for the 503 specs: wraps every method of every part of `inner`.
 *
 * @example
 * ```ts
 * const failing = failingStore({ timeout: 50 });
 * failing.fail('hang'); // every store call now outlives store.timeout
 * ```
 */
export function failingStore(options: { timeout?: number; inner?: Store } = {}): FailingStore {
  const inner = options.inner ?? memoryStore();
  let mode: FailureMode | undefined;
  let refused = 0;
  const wrap = <T extends object>(part: T): T => {
    const out: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(part)) {
      // Synchronous in-process shortcuts (isBlacklistedNow) are left out: this store behaves as
      // a store across a network does, where every call can fail or hang.
      if (typeof fn !== 'function' || name.endsWith('Now')) continue;
      out[name] = (...args: unknown[]) => {
        if (mode) {
          refused++;
          return mode === 'reject' ? Promise.reject(new Error('connection refused (failing store)')) : new Promise(() => {});
        }
        return (fn as (...a: unknown[]) => unknown).apply(part, args);
      };
    }
    return out as T;
  };
  const store: Store = {
    timeout: options.timeout ?? 50,
    blacklist: wrap(inner.blacklist),
    refreshTokens: wrap(inner.refreshTokens),
    userSecrets: wrap(inner.userSecrets),
    signingKeys: wrap(inner.signingKeys),
    ...(inner.attempts ? { attempts: wrap(inner.attempts) } : {}),
  };
  return {
    store,
    inner,
    fail(m: FailureMode = 'reject') { mode = m; refused = 0; },
    recover() { mode = undefined; },
    get refused() { return refused; },
  };
}

/**
 * `inner` as a store across a network looks: every blacklist call is a promise (no synchronous
 * in-process shortcut), which is what the revocation cache is for.
 *
 * @example
 * ```ts
 * const store = remoteLike(memoryStore());
 * ```
 */
export function remoteLike(inner: Store): Store {
  const { isBlacklistedNow: _sync, ...blacklist } = inner.blacklist;
  return { ...inner, blacklist: { ...blacklist } };
}
