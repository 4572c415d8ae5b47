import { expect } from 'chai';
import { resolveConfig } from '../../lib/config/resolve.js';
import type { ResolvedConfig } from '../../lib/config/types.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { startRotation } from '../../lib/keyring/managed-rotation.js';
import { createUserSecrets } from '../../lib/keyring/user-secrets.js';
import { buildRuntime } from '../../lib/runtime.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store, StoredSigningKey } from '../../lib/stores/store.js';
import type { UserProvider } from '../../lib/users/provider.js';
import { testUsers } from '../helpers/app.js';
import { failingStore } from '../helpers/failing-store.js';

// A store call that fails names its part and operation on the 503 it causes (`storeCall`), which
// the `error` event of source store reports: an operator reading it learns which store is down.

const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (err: unknown) => err);
const down = () => Promise.reject(new Error('connection refused'));

/** The parts of a resolved config createUserSecrets reads. */
const secretsConfig = (over: { userSecrets: ResolvedConfig['userSecrets']; store?: Store; users?: UserProvider }) =>
  ({ storeTimeout: 50, store: memoryStore(), users: testUsers(), keys: { algorithms: ['HS256'] }, ...over }) as unknown as ResolvedConfig;

describe('store failures name their part and operation (storeCall)', () => {
  it('managed rotation: signingKeys.list', async () => {
    const failing = failingStore();
    failing.fail('reject');
    const auth = koaJwt({ keys: { rotation: { algorithm: 'ES256', every: '30d', publishAhead: '1d', checkEvery: '1h' } }, users: testUsers(), store: failing.store });
    try {
      expect(await rejection(auth.ready())).to.have.deep.property('storeCall', { part: 'signingKeys', operation: 'list' });
    } finally {
      await auth.close();
    }
  });

  describe('managed rotation, each call of a sync', () => {
    const MINUTE = 60_000;
    const HOUR = 60 * MINUTE;
    const rotation = { algorithm: 'ES256', every: '1h', publishAhead: '10m', checkEvery: '1m', retireAfter: '1h' } as const;
    // A memory store whose signingKeys `operation` rejects (for `list`, from its call number `from` on).
    const storeFailing = (operation: 'list' | 'insert' | 'update' | 'remove', from = 1): Store => {
      const inner = memoryStore();
      const keys = inner.signingKeys;
      let calls = 0;
      const fail = <T>(op: string, real: () => Promise<T>): Promise<T> => (op === operation && ++calls >= from ? down() : real());
      return {
        ...inner,
        signingKeys: {
          list: () => fail('list', () => keys.list()),
          insert: (k) => fail('insert', () => keys.insert(k)),
          update: (kid, fields) => fail('update', () => keys.update(kid, fields)),
          remove: (kid) => fail('remove', () => keys.remove(kid)),
        },
      };
    };
    // The first sync's own failure (ready() would try once more, and report the second).
    const storeCallOfFirstSync = async (store: Store) => {
      const started = startRotation(buildRuntime(resolveConfig({ keys: { rotation }, users: testUsers(), store })));
      try {
        return ((await rejection(started.sync())) as { storeCall?: unknown } | undefined)?.storeCall;
      } finally {
        started.close();
      }
    };
    // A stored key that activated `ago` ms back, listed in `state`.
    const stored = (kid: string, ago: number, state: StoredSigningKey['state']): StoredSigningKey => {
      const at = new Date(Date.now() - ago);
      return { kid, alg: 'ES256', state, privateJwk: {}, createdAt: at, activatesAt: at };
    };

    it('signingKeys.insert, a new key', async () => {
      expect(await storeCallOfFirstSync(storeFailing('insert'))).to.deep.equal({ part: 'signingKeys', operation: 'insert' });
    });

    it('signingKeys.list, the read-back after an insert', async () => {
      expect(await storeCallOfFirstSync(storeFailing('list', 2))).to.deep.equal({ part: 'signingKeys', operation: 'list' });
    });

    it('signingKeys.update, a stored state the timeline has left (listed next, signing for an hour)', async () => {
      const store = storeFailing('update');
      await store.signingKeys.insert(stored('ES256-listed-next', HOUR, 'next'));
      expect(await storeCallOfFirstSync(store)).to.deep.equal({ part: 'signingKeys', operation: 'update' });
    });

    it('signingKeys.remove, a key retired longer than retireAfter', async () => {
      const store = storeFailing('remove');
      await store.signingKeys.insert(stored('ES256-a', 3 * HOUR, 'retired'));
      await store.signingKeys.insert(stored('ES256-b', 2.5 * HOUR, 'active'));
      expect(await storeCallOfFirstSync(store)).to.deep.equal({ part: 'signingKeys', operation: 'remove' });
    });
  });

  describe('per-user secrets', () => {
    it('users.findById, when a secret function needs the user', async () => {
      const users = { ...testUsers(), findById: down };
      const secrets = createUserSecrets(secretsConfig({ userSecrets: () => 'a secret of the user', users }))!;
      expect(await rejection(secrets.signingKeyOverride('1'))).to.have.deep.property('storeCall', { part: 'users', operation: 'findById' });
    });

    it('userSecrets.secretFor, the secret function', async () => {
      const secrets = createUserSecrets(secretsConfig({ userSecrets: () => { throw new Error('vault down'); } }))!;
      expect(await rejection(secrets.signingKeyOverride('1'))).to.have.deep.property('storeCall', { part: 'userSecrets', operation: 'secretFor' });
    });

    it('userSecrets.get and userSecrets.rotate, the stored secrets', async () => {
      const failing = failingStore();
      failing.fail('reject');
      const secrets = createUserSecrets(secretsConfig({ userSecrets: true, store: failing.store }))!;
      expect(await rejection(secrets.signingKeyOverride('1'))).to.have.deep.property('storeCall', { part: 'userSecrets', operation: 'get' });
      expect(await rejection(secrets.rotate('1'))).to.have.deep.property('storeCall', { part: 'userSecrets', operation: 'rotate' });
    });
  });
});
