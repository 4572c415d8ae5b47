import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import { buildRuntime } from '../../lib/runtime.js';
import { resolveConfig } from '../../lib/config/resolve.js';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { StoreUnavailableError } from '../../lib/errors.js';
import type { AuthEventMap } from '../../lib/events.js';
import { sealKey } from '../../lib/keyring/envelope.js';
import { generateKeyPair, type Rotation, startRotation } from '../../lib/keyring/managed-rotation.js';
import { slotKid } from '../../lib/keyring/rotation-plan.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store, StoredSigningKey } from '../../lib/stores/store.js';
import { testUsers } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';
import { decode, handSign } from '../helpers/tokens.js';
import { detachedKeyPair } from '../../lib/keyring/key-pair.js';
import { internalsOf } from '../../lib/internals.js';
import { MINUTE, HOUR, SLOT, START, SLOT_END, hourlyRotation, watchedStore } from '../helpers/rotation.js';

const alice = { id: '1', username: 'alice' };
// Hourly keys published 10 minutes ahead, checked every minute, removed an hour after their successor signs.
const config = hourlyRotation;

const kidAt = (start: number) => slotKid('ES256', start / HOUR, HOUR);
const kidOf = (token: string) => decode(token).header.kid as string;
const forged = (kid: string) => handSign({ user_id: '1', exp: Math.floor(Date.now() / 1000) + 60 }, { key: keyPair('P-256').privateKey, alg: 'ES256', header: { kid } });
const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof StoreUnavailableError ? '503' : `${(e as { status?: number }).status} ${(e as { code?: string }).code}`));
const sortedByKid = <T extends { kid: string }>(list: T[]) => [...list].sort((x, y) => x.kid.localeCompare(y.kid));

describe('managed rotation: what each sync does', () => {
  let clock: sinon.SinonFakeTimers;
  const closers: (() => unknown)[] = [];
  const start = (c: KoaJwtConfig) => { const auth = koaJwt(c); closers.push(() => auth.close()); return auth; };
  const errorsOf = (auth: KoaJwt) => {
    const seen: AuthEventMap['error'][] = [];
    auth.on('error', (e) => { seen.push(e); });
    return seen;
  };

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });
  afterEach(async () => {
    try {
      for (const close of closers.splice(0)) await close();
    } finally {
      clock.restore();
    }
  });

  it('rotates EdDSA keys too', async () => {
    const auth = start(config(memoryStore(), { algorithm: 'EdDSA' }));
    await auth.ready();
    const { token } = await auth.issue(alice);
    expect(decode(token).header).to.include({ alg: 'EdDSA', kid: slotKid('EdDSA', SLOT / HOUR, HOUR) });
    expect((await auth.verify(token)).user_id).to.equal('1');
  });

  it('makes only keys it can publish: generateKeyPair refuses an HS algorithm', () => {
    expect(() => generateKeyPair('HS256')).to.throw(Error, /HS256/);
  });

  it('startRotation refuses a config without keys.rotation', () => {
    const runtime = buildRuntime(resolveConfig({ keys: { algorithm: 'ES256', privateKey: keyPair('P-256').privatePem }, users: testUsers() }));
    expect(() => startRotation(runtime)).to.throw(Error, /keys\.rotation/);
  });

  it('a second instance loads each stored key in its state, with its createdAt and notAfter', async () => {
    const { store } = watchedStore();
    const a = start(config(store));
    await a.ready();
    await clock.tickAsync(SLOT_END + MINUTE - Date.now());
    const b = start(config(store));
    await b.ready();
    const view = (auth: KoaJwt) => sortedByKid(auth.keyring.list()).map(({ kid, state, createdAt, notAfter }) => ({ kid, state, createdAt, notAfter }));
    expect(view(b)).to.deep.equal([
      { kid: kidAt(SLOT), state: 'retired', createdAt: new Date(START), notAfter: new Date(SLOT_END + HOUR) },
      { kid: kidAt(SLOT_END), state: 'active', createdAt: new Date(SLOT_END - 10 * MINUTE), notAfter: undefined },
    ]);
    expect(view(b)).to.deep.equal(view(a));
    expect(kidOf((await b.issue(alice)).token)).to.equal(kidAt(SLOT_END));
  });

  it('a sync with nothing due changes neither the keyring nor the store', async () => {
    const watched = watchedStore();
    const auth = start(config(watched.store));
    await auth.ready();
    await clock.tickAsync(SLOT_END + MINUTE - Date.now()); // a retired key and an active one
    const changes: unknown[] = [];
    auth.on('key_change', (c) => { changes.push(c); });
    const before = { ...watched.counts };
    await clock.tickAsync(10 * MINUTE);
    expect(watched.counts.list - before.list, 'it did check the store').to.be.at.least(10);
    expect(changes).to.deep.equal([]);
    expect(watched.counts.update - before.update).to.equal(0);
  });

  it('follows an edit of a key\'s activation in the store: the key before it gets the new notAfter, in the keyring and the store', async () => {
    const watched = watchedStore();
    const auth = start(config(watched.store));
    await auth.ready();
    await clock.tickAsync(SLOT_END + MINUTE - Date.now());
    const old = kidAt(SLOT);
    expect(internalsOf(auth).keyring.get(old)!.notAfter).to.deep.equal(new Date(SLOT_END + HOUR));
    // An operator moves the new key's activation 5 minutes earlier: the old key goes 5 minutes earlier too.
    await watched.inner.signingKeys.update(kidAt(SLOT_END), { activatesAt: new Date(SLOT_END - 5 * MINUTE) });
    await clock.tickAsync(MINUTE);
    const expected = new Date(SLOT_END - 5 * MINUTE + HOUR);
    expect(internalsOf(auth).keyring.get(old)!.notAfter).to.deep.equal(expected);
    const record = (await watched.inner.signingKeys.list()).find((k) => k.kid === old)!;
    expect(record).to.deep.include({ state: 'retired', notAfter: expected });
  });

  it('reports a failed timer sync as an error event (source rotation) and tries again within 5 seconds', async () => {
    const watched = watchedStore();
    const auth = start(config(watched.store));
    const errors = errorsOf(auth);
    await auth.ready();
    watched.cut();
    await clock.tickAsync(MINUTE);
    expect(errors.map((e) => e.source)).to.deep.equal(['rotation']);
    expect(errors[0]!.error).to.be.instanceOf(StoreUnavailableError);
    const reads = watched.counts.list;
    await clock.tickAsync(5000);
    expect(watched.counts.list - reads).to.equal(1);
  });

  it('while the store is down, a flood of tokens of a plausible kid costs at most one store read a second', async () => {
    const watched = watchedStore();
    const auth = start(config(watched.store));
    errorsOf(auth);
    await auth.ready();
    watched.cut();
    await clock.tickAsync(MINUTE); // the timer's sync fails
    const reads = watched.counts.list;
    for (let i = 0; i < 20; i++) expect(await outcome(auth.verify(forged(kidAt(SLOT_END))))).to.equal('503');
    await clock.tickAsync(1000);
    for (let i = 0; i < 20; i++) expect(await outcome(auth.verify(forged(kidAt(SLOT_END))))).to.equal('503');
    expect(watched.counts.list - reads).to.be.at.most(1);
  });

  it('keeps signing when a due sync fails while its key is within its planned time', async () => {
    // Timers left real (unref'd, a minute away): time passes without the timer's sync.
    clock.restore();
    clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance'] });
    const watched = watchedStore();
    const auth = start(config(watched.store));
    await auth.ready();
    const signer = kidOf((await auth.issue(alice)).token);
    watched.cut();
    // Past the next check, with no timer run: the signature itself asks for the sync, which fails.
    clock.tick(2 * MINUTE);
    const reads = watched.counts.list;
    expect(kidOf((await auth.issue(alice)).token)).to.equal(signer);
    expect(watched.counts.list - reads, 'it did try the store').to.equal(1);
  });

  it('answers 503 with the cause when a stored record cannot be used (its dates are strings)', async () => {
    const inner = memoryStore();
    const broken = new Error('not a date');
    const store: Store = {
      ...inner,
      signingKeys: {
        ...inner.signingKeys,
        list: async () => (await inner.signingKeys.list()).map((k) => ({ ...k, get activatesAt(): Date { throw broken; } })),
      },
    };
    const auth = start(config(store));
    await auth.ready().catch(() => undefined);
    const err = await auth.issue(alice).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(StoreUnavailableError);
    expect((err as Error).cause).to.equal(broken);
  });

  describe('which unknown kids make it read the store (every: 1h, retireAfter: 1h)', () => {
    // A slot kid may be a key another instance made: from 2 slots + retireAfter back (a retired
    // key not yet removed) to one slot ahead (a key published ahead). Anything else is refused
    // at once, without a read. Each probe sets the clock to a slot start P.
    let watched: ReturnType<typeof watchedStore>;
    let auth: KoaJwt;
    const P = SLOT + 2 * HOUR;
    beforeEach(async () => {
      clock.setSystemTime(P); // before the instance starts: no step for it to see
      watched = watchedStore();
      auth = start(config(watched.store));
      await auth.ready();
    });
    async function probe(at: number, kid: string): Promise<{ read: boolean; outcome: string }> {
      clock.tick(1001); // past the last read's second
      clock.setSystemTime(at);
      const reads = watched.counts.list;
      const result = await outcome(auth.verify(forged(kid)));
      return { read: watched.counts.list > reads, outcome: result };
    }

    it('reads for the kid of the next slot, not of the one after', async () => {
      expect(await probe(P, kidAt(P + HOUR))).to.deep.equal({ read: true, outcome: '401 token_invalid' });
      expect(await probe(P, kidAt(P + 2 * HOUR))).to.deep.equal({ read: false, outcome: '401 token_invalid' });
    });

    it('reads for the kid of the slot 2 slots + retireAfter back, not of the one before it', async () => {
      expect(await probe(P, kidAt(P - 3 * HOUR))).to.deep.equal({ read: true, outcome: '401 token_invalid' });
      expect(await probe(P, kidAt(P - 4 * HOUR))).to.deep.equal({ read: false, outcome: '401 token_invalid' });
    });

    it('does not read for a kid spelled unlike a slot kid, nor for one that is no date (401, not 500)', async () => {
      expect(await probe(P, `ES256-${new Date(P).toISOString()}`)).to.deep.equal({ read: false, outcome: '401 token_invalid' });
      expect(await probe(P, kidAt(P).replace('Z', '+00:00'))).to.deep.equal({ read: false, outcome: '401 token_invalid' });
      expect(await probe(P, 'ES256-not-a-date')).to.deep.equal({ read: false, outcome: '401 token_invalid' });
    });
  });

  describe('stored keys it cannot use', () => {
    /** A store with this slot's key (made by another instance) and two records this instance cannot open. */
    async function storeWithUnreadableKeys() {
      const store = memoryStore();
      const maker = start(config(store));
      await maker.ready();
      await maker.close();
      const [good] = await store.signingKeys.list();
      const jwk = detachedKeyPair(generateKeyPairSync('ec', { namedCurve: 'P-256' })).privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
      const earlier = (minutes: number) => new Date(good!.activatesAt!.getTime() - minutes * MINUTE);
      const unreadable: StoredSigningKey[] = [
        { kid: 'as-pem', alg: 'ES256', state: 'retired', privateJwk: keyPair('P-256').privatePem, createdAt: earlier(20), activatesAt: earlier(20) },
        { kid: 'sealed', alg: 'ES256', state: 'retired', privateJwk: sealKey(jwk, 'sealed', randomBytes(32)), createdAt: earlier(10), activatesAt: earlier(10) },
      ];
      for (const record of unreadable) await store.signingKeys.insert(record);
      return { store, good: good!.kid };
    }

    it('skips a key stored as PEM text or sealed without keys.rotation.encryptionKey here, reports each with its kid, and loads the rest', async () => {
      const { store, good } = await storeWithUnreadableKeys();
      const auth = start(config(store));
      const errors = errorsOf(auth);
      await auth.ready();
      expect(errors.map((e) => ({ source: e.source, kid: e.kid }))).to.deep.equal([{ source: 'stored_key', kid: 'as-pem' }, { source: 'stored_key', kid: 'sealed' }]);
      expect(internalsOf(auth).keyring.get('as-pem')).to.equal(undefined);
      expect(internalsOf(auth).keyring.get('sealed')).to.equal(undefined);
      expect(kidOf((await auth.issue(alice)).token)).to.equal(good);
    });

    it('skips them the same way when started directly, without an onError', async () => {
      const { store, good } = await storeWithUnreadableKeys();
      const runtime = buildRuntime(resolveConfig(config(store)));
      const rotation: Rotation = startRotation(runtime);
      closers.push(() => rotation.close());
      await rotation.ready();
      expect(runtime.keyring.signingKey()?.kid).to.equal(good);
    });
  });

  it('started directly without an onError, a failed timer sync is not an unhandled rejection', async () => {
    const watched = watchedStore();
    const rotation = startRotation(buildRuntime(resolveConfig(config(watched.store))));
    closers.push(() => rotation.close());
    await rotation.ready();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      watched.cut();
      await clock.tickAsync(MINUTE + 5000);
      await new Promise((resolve) => { setImmediate(resolve); });
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(watched.counts.list).to.be.at.least(3); // the first sync, then the failed ones
    expect(unhandled).to.deep.equal([]);
  });
});
