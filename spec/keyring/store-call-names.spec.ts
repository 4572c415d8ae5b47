import { expect } from 'chai';
import type { ResolvedConfig } from '../../lib/config/types.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { createUserSecrets } from '../../lib/keyring/user-secrets.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
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
