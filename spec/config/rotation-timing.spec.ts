import { expect } from 'chai';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { internalsOf } from '../../lib/internals.js';

type Rotation = NonNullable<NonNullable<KoaJwtConfig['keys']>['rotation']>;
const config = (rotation: Partial<Rotation>, rest: KoaJwtConfig = {}): KoaJwtConfig => ({
  keys: { rotation: { algorithm: 'ES256', every: '30d', publishAhead: '1d', checkEvery: '1h', ...rotation } },
  users: testUsers(),
  store: memoryStore(),
  ...rest,
});

// The relations between rotation settings that keep every valid token verifiable: checked at
// start-up, each naming the setting to change.
describe('managed rotation timings, checked at start-up', () => {
  it('refuses publishAhead shorter than jwks.maxAge: verifiers would refuse a key their cached JWKS lacks', () => {
    const err = configErrorOf(config({ publishAhead: '5m', checkEvery: '1m' }, { jwks: { maxAge: 600 } }));
    expect(err.path).to.equal('keys.rotation.publishAhead');
    expect(err.message).to.match(/jwks\.maxAge \(600 s\)/);
  });

  it('accepts publishAhead equal to jwks.maxAge (the control)', async () => {
    const auth = koaJwt(config({ publishAhead: '10m', checkEvery: '1m' }, { jwks: { maxAge: 600 } }));
    await auth.close();
  });

  it('refuses retireAfter shorter than the longest token lifetime plus leeway', () => {
    const err = configErrorOf(config({ retireAfter: '1h' }, { token: { expiresIn: '2h' } }));
    expect(err.path).to.equal('keys.rotation.retireAfter');
    expect(err.message).to.match(/7200 s/);
  });

  it('defaults retireAfter so that it covers tokens that outlive refresh.expiresIn', async () => {
    const auth = koaJwt(config({}, { token: { expiresIn: '10d' }, refresh: { expiresIn: '7d' } }));
    expect(internalsOf(auth).config.keys.rotation!.retireAfter).to.equal(10 * 86400 + 600);
    await auth.close();
  });

  it('refuses checkEvery of 0 (a sync loop without pause)', () => {
    expect(configErrorOf(config({ checkEvery: 0 })).path).to.equal('keys.rotation.checkEvery');
  });
});
