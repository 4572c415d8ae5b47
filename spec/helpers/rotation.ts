import type { KoaJwtConfig } from '../../lib/config/types.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { testUsers } from './app.js';

// The clock of the hourly-rotation specs: an hour slot far from the epoch (no slot arithmetic
// can pass by accident at 0), the fake clock starting half-way through it.
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const SLOT = 500_000 * HOUR;
export const START = SLOT + 30 * MINUTE;
export const SLOT_END = SLOT + HOUR;

/**
 * `inner` with its signing-key reads and updates counted, and every signing-key call refused
 * from `cut()` until `heal()` (a store partitioned away from this instance).
 */
export function watchedStore(inner: Store = memoryStore()) {
  const counts = { list: 0, update: 0 };
  let down = false;
  const refuse = () => Promise.reject(new Error('connection refused'));
  const keys = inner.signingKeys;
  const store: Store = {
    ...inner,
    signingKeys: {
      list: () => { counts.list++; return down ? refuse() : keys.list(); },
      insert: (k) => (down ? refuse() : keys.insert(k)),
      update: (kid, fields) => { counts.update++; return down ? refuse() : keys.update(kid, fields); },
      remove: (kid) => (down ? refuse() : keys.remove(kid)),
    },
  };
  return { store, inner, counts, cut() { down = true; }, heal() { down = false; } };
}

/** Hourly ES256 keys published 10 minutes ahead, checked every minute, removed an hour after their successor signs; `rotation` overrides. */
export const hourlyRotation = (store: Store, rotation: Record<string, unknown> = {}): KoaJwtConfig => ({
  keys: { rotation: { algorithm: 'ES256', every: '1h', publishAhead: '10m', checkEvery: '1m', retireAfter: '1h', ...rotation } },
  token: { expiresIn: '5m' },
  refresh: { expiresIn: '7d' },
  users: testUsers(),
  store,
});
