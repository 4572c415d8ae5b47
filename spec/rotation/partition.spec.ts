import { expect } from 'chai';
import sinon from 'sinon';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { StoreUnavailableError } from '../../lib/errors.js';
import { slotKid } from '../../lib/keyring/rotation-plan.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { buildApp, testUsers } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';
import { decode, handSign } from '../helpers/tokens.js';
import { MINUTE, HOUR, SLOT, START, SLOT_END } from '../helpers/rotation.js';

const alice = { id: '1', username: 'alice' };
/** A view of `inner` whose parts can be cut off (a network partition between one instance and the store). */
function partitionable(inner: Store) {
  let cut: readonly (keyof Store)[] = [];
  let listCalls = 0;
  const wrap = <T extends object>(name: keyof Store, part: T): T => {
    const out: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(part)) {
      if (typeof fn !== 'function') continue;
      out[method] = (...args: unknown[]) => {
        if (name === 'signingKeys' && method === 'list') listCalls++;
        if (!cut.includes(name)) return (fn as (...a: unknown[]) => unknown).apply(part, args);
        if (method.endsWith('Now')) throw new Error('partitioned from the store');
        return Promise.reject(new Error('partitioned from the store'));
      };
    }
    return out as T;
  };
  const store: Store = {
    timeout: 50,
    blacklist: wrap('blacklist', inner.blacklist),
    refreshTokens: wrap('refreshTokens', inner.refreshTokens),
    userSecrets: wrap('userSecrets', inner.userSecrets),
    signingKeys: wrap('signingKeys', inner.signingKeys),
    ...(inner.attempts ? { attempts: wrap('attempts', inner.attempts) } : {}),
  };
  return {
    store,
    /** Cuts the signing keys only (the default), or every part of the store. */
    cut(parts: readonly (keyof Store)[] = ['signingKeys']) { cut = parts; },
    heal() { cut = []; },
    get listCalls() { return listCalls; },
  };
}

// Hourly keys published 10 minutes ahead: short enough to simulate every retry of a partition.
const config = (store: Store, retireAfter = '7d'): KoaJwtConfig => ({
  keys: { rotation: { algorithm: 'ES256', every: '1h', publishAhead: '10m', checkEvery: '1m', retireAfter } },
  token: { expiresIn: '5m' },
  refresh: { expiresIn: '7d' },
  users: testUsers(),
  store,
});

const kidOf = (token: string) => decode(token).header.kid as string;
const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof StoreUnavailableError ? '503' : `${(e as { status?: number }).status} ${(e as { code?: string }).code}`));

describe('managed rotation across instances: one instance partitioned from the store', () => {
  let clock: sinon.SinonFakeTimers;
  const instances: KoaJwt[] = [];
  let shared: Store;
  let a: KoaJwt;
  let b: KoaJwt;
  let link: ReturnType<typeof partitionable>;

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    shared = memoryStore();
    link = partitionable(shared);
    a = koaJwt(config(shared));
    b = koaJwt(config(link.store));
    instances.push(a, b);
    await Promise.all([a.ready(), b.ready()]);
  });
  afterEach(async () => {
    try {
      for (const auth of instances.splice(0)) await auth.close();
    } finally {
      clock.restore(); // whatever happened above: a fake Date left installed fails every later spec
    }
  });

  /**
   * B is cut off from 15 minutes before the slot ends until a minute after: A publishes the
   * next key (10 minutes before) and switches to it meanwhile. `beforeSwitch` runs 3 minutes
   * before the switch, so that tokens it issues are still valid after it.
   */
  async function partitionAcrossRotation(options: { parts?: readonly (keyof Store)[]; beforeSwitch?: () => Promise<void> } = {}) {
    await clock.tickAsync(SLOT_END - 15 * MINUTE - Date.now());
    link.cut(options.parts);
    await clock.tickAsync(SLOT_END - 3 * MINUTE - Date.now());
    await options.beforeSwitch?.();
    await clock.tickAsync(SLOT_END + MINUTE - Date.now());
  }
  let tokens: string[] = [];
  beforeEach(() => { tokens = []; });

  it('keeps signing while its key is within its planned time, even if the store cannot be read', async () => {
    const k0 = kidOf((await b.issue(alice)).token);
    link.cut();
    await clock.tickAsync(10 * MINUTE);
    expect(kidOf((await b.issue(alice)).token)).to.equal(k0);
  });

  it('answers 503, not 401, to a token of a key it could not load while the store is unreachable', async () => {
    await partitionAcrossRotation();
    const fromA = (await a.issue(alice)).token;
    expect(kidOf(fromA)).to.equal(slotKid('ES256', SLOT_END / HOUR, HOUR));
    const err = await b.verify(fromA).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).status).to.equal(503);
  });

  it('answers the HTTP request with 503 and Retry-After, the contract of a store that cannot answer', async () => {
    const { auth, request } = buildApp({}, { config: config(link.store) });
    instances.push(auth);
    await auth.ready();
    await partitionAcrossRotation();
    const res = await request.get('/me').set('Authorization', `Bearer ${(await a.issue(alice)).token}`);
    expect(res.status).to.equal(503);
    expect(res.body.error).to.equal('temporarily_unavailable');
    expect(res.headers['retry-after']).to.match(/^\d+$/);
  });

  it('answers 503 the same way when its whole store is down', async () => {
    await partitionAcrossRotation({ parts: ['signingKeys', 'blacklist', 'refreshTokens', 'userSecrets'] });
    expect(await outcome(b.verify((await a.issue(alice)).token))).to.equal('503');
  });

  it('stops signing (503) once its key is past its planned retirement, rather than sign with a key the others retired', async () => {
    await partitionAcrossRotation();
    expect(await outcome(b.issue(alice))).to.equal('503');
  });

  it('still verifies tokens of the keys it holds during the partition', async () => {
    await partitionAcrossRotation({ beforeSwitch: async () => { tokens.push((await a.issue(alice)).token); } });
    expect((await b.verify(tokens[0]!)).username).to.equal('alice');
  });

  it('refuses a made-up kid at once (401) without reading the store, partitioned or not', async () => {
    await partitionAcrossRotation();
    const forged = handSign({ user_id: '1', exp: Math.floor(Date.now() / 1000) + 60 }, { key: keyPair('P-256').privateKey, alg: 'ES256', header: { kid: 'made-up' } });
    const reads = link.listCalls;
    for (let i = 0; i < 20; i++) expect(await outcome(b.verify(forged))).to.equal('401 token_invalid');
    expect(link.listCalls).to.equal(reads);
  });

  it('re-reads the keys before refusing an unknown kid when the store is reachable, and finds the new key', async () => {
    await partitionAcrossRotation();
    const fromA = (await a.issue(alice)).token;
    clock.tick(1000); // past the back-off of its last failed read
    link.heal(); // before B's own retry has run
    expect((await b.verify(fromA)).username).to.equal('alice');
  });

  it('refuses (401) a slot kid the store does not have, with at most one read of the store a second', async () => {
    await clock.tickAsync(1000);
    const nextSlot = slotKid('ES256', SLOT_END / HOUR, HOUR); // plausible, but no such key yet
    const forged = handSign({ user_id: '1', exp: Math.floor(Date.now() / 1000) + 60 }, { key: keyPair('P-256').privateKey, alg: 'ES256', header: { kid: nextSlot } });
    const reads = link.listCalls;
    for (let i = 0; i < 20; i++) expect(await outcome(b.verify(forged))).to.equal('401 token_invalid');
    expect(link.listCalls - reads).to.equal(1);
  });

  it('after recovery every token of both instances verifies on both, and both sign with the new key', async () => {
    await partitionAcrossRotation({ beforeSwitch: async () => { tokens.push((await a.issue(alice)).token, (await b.issue(alice)).token); } });
    tokens.push((await a.issue(alice)).token);
    link.heal();
    await clock.tickAsync(5000); // B's retry
    tokens.push((await b.issue(alice)).token);
    const newKid = slotKid('ES256', SLOT_END / HOUR, HOUR);
    expect(kidOf(tokens[3]!)).to.equal(newKid);
    for (const token of tokens) {
      for (const auth of [a, b]) expect(await outcome(auth.verify(token)), kidOf(token)).to.equal('ok');
    }
  });

  it('never issues, while partitioned, a token that is refused once it recovers (even past the old key\'s removal)', async () => {
    // retireAfter as short as the config allows (token lifetime): A removes the old key 10
    // minutes after the switch, while B is still cut off.
    const a2 = koaJwt(config(shared, '10m'));
    const link2 = partitionable(shared);
    const b2 = koaJwt(config(link2.store, '10m'));
    instances.push(a2, b2);
    await Promise.all([a2.ready(), b2.ready()]);
    await clock.tickAsync(SLOT_END - 15 * MINUTE - Date.now());
    link2.cut();
    const issued: string[] = [];
    while (Date.now() < SLOT_END + 12 * MINUTE) {
      await clock.tickAsync(MINUTE);
      await b2.issue(alice).then((r) => issued.push(r.token), () => undefined);
    }
    link2.heal();
    await clock.tickAsync(5000);
    expect(issued.length, 'B signs while its key is within its planned time').to.be.greaterThan(0);
    const oldKid = slotKid('ES256', SLOT / HOUR, HOUR);
    const lateWithOldKey = issued.filter((t) => kidOf(t) === oldKid && (decode(t).payload.iat as number) * 1000 >= SLOT_END);
    expect(lateWithOldKey, 'tokens signed with the old key after its retirement').to.deep.equal([]);
    for (const token of issued.filter((t) => (decode(t).payload.exp as number) * 1000 > Date.now())) {
      for (const auth of [a2, b2]) expect(await outcome(auth.verify(token)), kidOf(token)).to.equal('ok');
    }
  });
});
