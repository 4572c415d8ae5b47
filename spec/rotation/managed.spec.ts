import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { StoreUnavailableError } from '../../lib/errors.js';
import { isEnvelope } from '../../lib/keyring/envelope.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { decode, handSign } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { id: '1', username: 'alice' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EVERY = 30 * DAY;
// Ten days into a slot (slots are aligned to the Unix epoch).
const START = 20_000 * EVERY + 10 * DAY;
const SLOT_END = 20_001 * EVERY;

function config(store: Store, rotation: Partial<NonNullable<NonNullable<KoaJwtConfig['keys']>['rotation']>> = {}): KoaJwtConfig {
  return {
    keys: { rotation: { algorithm: 'ES256', every: '30d', publishAhead: '1d', checkEvery: '1h', ...rotation } },
    token: { expiresIn: '5m' },
    refresh: { expiresIn: '7d' },
    users: testUsers(),
    store,
  };
}

const kidOf = async (auth: KoaJwt) => decode((await auth.issue(alice)).token).header.kid as string;

describe('managed rotation (keys.rotation)', () => {
  let clock: sinon.SinonFakeTimers;
  const instances: KoaJwt[] = [];
  const start = (c: KoaJwtConfig) => { const auth = koaJwt(c); instances.push(auth); return auth; };

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });
  afterEach(async () => {
    try {
      for (const auth of instances.splice(0)) await auth.close();
    } finally {
      clock.restore(); // whatever happened above: a fake Date left installed fails every later spec
    }
  });

  it('creates the first key on start and signs with it once ready', async () => {
    const store = memoryStore();
    const auth = start(config(store));
    await auth.ready();
    const stored = await store.signingKeys.list();
    expect(stored).to.have.length(1);
    expect(stored[0]).to.include({ alg: 'ES256', state: 'active' });
    expect(await kidOf(auth)).to.equal(stored[0]!.kid);
    expect(internalsOf(auth).keyring.jwks().keys.map((k) => k.kid)).to.deep.equal([stored[0]!.kid]);
  });

  it('the first sync completes before the first signature, even without ready()', async () => {
    const store = memoryStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const list = store.signingKeys.list.bind(store.signingKeys);
    const slowStore: Store = { ...store, signingKeys: { ...store.signingKeys, list: async () => { await gate; return list(); } } };
    const auth = start(config(slowStore));
    let issued: string | undefined;
    const pending = auth.issue(alice).then((r) => { issued = r.token; });
    await clock.tickAsync(10);
    expect(issued, 'signed before the keys were read').to.equal(undefined);
    release();
    await pending;
    expect(decode(issued!).header.kid).to.equal((await store.signingKeys.list())[0]!.kid);
  });

  it('answers 503 (not 500) when the store cannot give a first key', async () => {
    const store = memoryStore();
    const broken: Store = { ...store, signingKeys: { ...store.signingKeys, list: () => Promise.reject(new Error('down')) } };
    const auth = start(config(broken));
    const err = await auth.issue(alice).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).status).to.equal(503);
  });

  it('two instances starting together on one store make one key, not two, and sign with it', async () => {
    const store = memoryStore();
    const a = start(config(store));
    const b = start(config(store));
    await Promise.all([a.ready(), b.ready()]);
    expect(await store.signingKeys.list()).to.have.length(1);
    expect(await kidOf(a)).to.equal(await kidOf(b));
  });

  it('two instances agree on the signing key across a rotation, and each verifies the other', async () => {
    const store = memoryStore();
    const a = start(config(store));
    const b = start(config(store));
    await Promise.all([a.ready(), b.ready()]);
    const first = await kidOf(a);
    const { token: oldToken } = await b.issue(alice);

    // publishAhead (1 day) before the slot ends, the next key is created and published, not used.
    await clock.tickAsync(SLOT_END - DAY - START + HOUR);
    const stored = await store.signingKeys.list();
    expect(stored.map((k) => k.state).sort()).to.deep.equal(['active', 'next']);
    const next = stored.find((k) => k.state === 'next')!.kid;
    for (const auth of [a, b]) {
      expect(internalsOf(auth).keyring.jwks().keys.map((k) => k.kid), 'published ahead').to.include(next);
      expect(await kidOf(auth)).to.equal(first);
    }

    // At the slot start both sign with the new key; the old one is retired and still verifies.
    await clock.tickAsync(SLOT_END - Date.now() + 1000);
    expect(await kidOf(a)).to.equal(next);
    expect(await kidOf(b)).to.equal(next);
    expect(a.keyring.list().find((k) => k.kid === first)!.state).to.equal('retired');
    const fromA = (await a.issue(alice)).token;
    expect((await b.verify(fromA)).user_id).to.equal('1');
    expect((await a.verify((await b.issue(alice)).token)).user_id).to.equal('1');

    // retireAfter (7 d + 600 s) later, the old key is gone everywhere: store, keyring, JWKS.
    await clock.tickAsync(7 * DAY + 600_000 + HOUR);
    expect((await store.signingKeys.list()).map((k) => k.kid)).not.to.include(first);
    for (const auth of [a, b]) {
      expect(internalsOf(auth).keyring.get(first)).to.equal(undefined);
      expect(internalsOf(auth).keyring.jwks().keys.map((k) => k.kid)).not.to.include(first);
      // Its key is gone: refused as signed by an unknown key (it had long expired, too).
      await rejectsWithCode(auth.verify(oldToken), 'token_invalid');
    }
  });

  it('instances with checkEvery as long as publishAhead still switch together at the slot start', async () => {
    const store = memoryStore();
    const a = start(config(store, { checkEvery: '1d' }));
    await a.ready();
    const b = start(config(store, { checkEvery: '1d' }));
    await b.ready();
    await clock.tickAsync(SLOT_END - START - DAY + 1000); // a and b create/see the next key
    await clock.tickAsync(DAY);
    expect(await kidOf(b)).to.equal(await kidOf(a));
    expect(await kidOf(a)).not.to.equal((await store.signingKeys.list()).find((k) => k.state === 'retired')?.kid);
  });

  it('refuses a token of a removed key, even one that has not expired', async () => {
    const store = memoryStore();
    const auth = start(config(store, { retireAfter: '2d' }));
    await auth.ready();
    const first = await kidOf(auth);
    const privateKey = internalsOf(auth).keyring.get(first)!.signingKey!;
    await clock.tickAsync(SLOT_END - START + 3 * DAY);
    expect(internalsOf(auth).keyring.get(first)).to.equal(undefined);
    const forged = handSign({ user_id: '1', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 }, { key: privateKey, alg: 'ES256', header: { kid: first } });
    await rejectsWithCode(auth.verify(forged), 'token_invalid');
  });

  it('stores private keys encrypted when keys.rotation.encryptionKey is set, and another instance opens them', async () => {
    const store = memoryStore();
    const encryptionKey = randomBytes(32);
    const a = start(config(store, { encryptionKey }));
    await a.ready();
    const [stored] = await store.signingKeys.list();
    expect(isEnvelope(stored!.privateJwk)).to.equal(true);
    const b = start(config(store, { encryptionKey }));
    await b.ready();
    expect((await a.verify((await b.issue(alice)).token)).user_id).to.equal('1');
    expect(await kidOf(b)).to.equal(stored!.kid);
  });

  it('leaves no timer behind after close()', async () => {
    const auth = koaJwt(config(memoryStore()));
    await auth.ready();
    expect(clock.countTimers()).to.be.greaterThan(0);
    await auth.close();
    expect(clock.countTimers()).to.equal(0);
  });

  it('checks its timings at start-up', () => {
    expect(configErrorOf(config(memoryStore(), { publishAhead: '30d' })).path).to.equal('keys.rotation.publishAhead');
    expect(configErrorOf(config(memoryStore(), { checkEvery: '2d' })).path).to.equal('keys.rotation.checkEvery');
    expect(configErrorOf(config(memoryStore(), { encryptionKey: 'short' })).path).to.equal('keys.rotation.encryptionKey');
  });

  it('after a change of keys.rotation.algorithm, signs with a new key of it at once, still verifies the old tokens, and retires the old key when its slot ends', async () => {
    const store = memoryStore();
    const before = start(config(store, { algorithm: 'RS256' }));
    await before.ready();
    const { token: old } = await before.issue(alice);
    await before.close();

    const after = start({ ...config(store), keys: { algorithm: ['ES256', 'RS256'], rotation: { algorithm: 'ES256', every: '30d', publishAhead: '1d', checkEvery: '1h' } } });
    await after.ready();
    const { token } = await after.issue(alice);
    expect(decode(token).header.alg).to.equal('ES256');
    expect((await after.verify(old)).username).to.equal('alice');
    const states = () => Object.fromEntries(after.keyring.list().map((k) => [k.alg, k.state]));
    // The RS256 key still signs for any instance not yet deployed, until its slot ends.
    expect(states()).to.deep.equal({ ES256: 'active', RS256: 'active' });

    // No RS256 instance made its next key: it retires when the slot ends, and goes retireAfter later.
    await clock.tickAsync(SLOT_END - Date.now() + HOUR);
    expect(after.keyring.list().filter((k) => k.alg === 'RS256').map((k) => k.state)).to.deep.equal(['retired']);
    const rs = after.keyring.list().find((k) => k.alg === 'RS256')!;
    expect(rs.notAfter).to.deep.equal(new Date(SLOT_END + 7 * DAY + 600_000));
    await clock.tickAsync(7 * DAY + 600_000);
    expect((await store.signingKeys.list()).map((k) => k.alg)).to.deep.equal(['ES256']);
    expect(internalsOf(after).keyring.get(rs.kid)).to.equal(undefined);
  });
});
