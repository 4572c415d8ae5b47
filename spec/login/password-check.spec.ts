import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { Context } from 'koa';
import sinon from 'sinon';
import { KoaJwtError, StoreUnavailableError } from '../../lib/errors.js';
import { checkPassword } from '../../lib/login/password-check.js';
import { HashingGate } from '../../lib/users/hashing-gate.js';
import { currentPasswordScope } from '../../lib/users/password-scope.js';
import { buildApp } from '../helpers/app.js';
import type { UserProvider } from '../../lib/users/provider.js';

// A users provider whose "store lookup" and "hash" the spec controls: the hash goes through the
// login's scope exactly as verifyPassword's does (currentPasswordScope().hash).
function controlledProvider() {
  const hashes: Array<{ finish: (ok: boolean) => void }> = [];
  let lookup: Promise<void> = Promise.resolve();
  const authenticate = async (username: string) => {
    await lookup;
    const ok = await currentPasswordScope()!.hash(() => new Promise<boolean>((resolve) => { hashes.push({ finish: resolve }); }));
    return ok ? { id: '1', username } : undefined;
  };
  return {
    hashes,
    authenticate,
    hangLookups() { lookup = new Promise(() => {}); },
  };
}

/** A ctx whose response the spec can close, as a client that goes away does. */
function fakeCtx(): { ctx: Context; clientGoesAway: () => void } {
  const res = new EventEmitter() as EventEmitter & { writableFinished: boolean; destroyed: boolean };
  res.writableFinished = false;
  res.destroyed = false;
  return { ctx: { res } as unknown as Context, clientGoesAway: () => { res.destroyed = true; res.emit('close'); } };
}

describe('login: password hashing has its own bound, store.timeout covers store calls only', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => clock?.restore());

  it('does not answer "user store unavailable" while the password hash is what takes time', async () => {
    clock = sinon.useFakeTimers();
    const gate = new HashingGate({ concurrency: 1, queue: 1, maxWaitMs: 60_000 });
    const provider = controlledProvider();
    const login = checkPassword(gate, 50, undefined, () => provider.authenticate('alice'));
    let outcome: unknown;
    login.then((r) => { outcome = r.value; }, (err: unknown) => { outcome = err; });
    await clock.tickAsync(10);
    expect(provider.hashes).to.have.length(1);
    await clock.tickAsync(5000); // a slow hash on a busy machine, 100 × store.timeout
    expect(outcome).to.equal(undefined);
    provider.hashes[0]!.finish(true);
    await clock.tickAsync(0);
    expect(outcome).to.deep.equal({ id: '1', username: 'alice' });
  });

  it('answers 503 when a store call of the provider outlives store.timeout, and the hash it would have run never starts', async () => {
    clock = sinon.useFakeTimers();
    const gate = new HashingGate({ concurrency: 1, queue: 1, maxWaitMs: 60_000 });
    const provider = controlledProvider();
    provider.hangLookups();
    let outcome: unknown;
    checkPassword(gate, 50, undefined, () => provider.authenticate('alice')).catch((err: unknown) => { outcome = err; });
    await clock.tickAsync(49);
    expect(outcome).to.equal(undefined);
    await clock.tickAsync(1);
    expect(outcome).to.be.instanceOf(StoreUnavailableError);
    expect(provider.hashes).to.have.length(0);
  });

  it('counts the store deadline around the hash: time before and after it adds up', async () => {
    clock = sinon.useFakeTimers();
    const gate = new HashingGate({ concurrency: 1, queue: 1, maxWaitMs: 60_000 });
    let outcome: unknown;
    const call = async () => {
      await new Promise((resolve) => setTimeout(resolve, 30)); // a store call before the hash
      await currentPasswordScope()!.hash(() => new Promise((resolve) => setTimeout(resolve, 1000)));
      await new Promise(() => {}); // a store call after it that never answers
    };
    checkPassword(gate, 50, undefined, call).catch((err: unknown) => { outcome = err; });
    await clock.tickAsync(30 + 1000 + 19);
    expect(outcome).to.equal(undefined);
    await clock.tickAsync(1);
    expect(outcome).to.be.instanceOf(StoreUnavailableError);
  });

  it('never starts the hash of a login whose client went away while it waited for a slot', async () => {
    const gate = new HashingGate({ concurrency: 1, queue: 4, maxWaitMs: 60_000 });
    const provider = controlledProvider();
    const first = checkPassword(gate, 2000, undefined, () => provider.authenticate('alice'));
    const { ctx, clientGoesAway } = fakeCtx();
    const second = checkPassword(gate, 2000, ctx, () => provider.authenticate('bob'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(gate.queued).to.equal(1);
    clientGoesAway();
    let gone: unknown;
    await second.catch((err: unknown) => { gone = err; });
    expect(gone).to.be.instanceOf(KoaJwtError);
    provider.hashes[0]!.finish(true);
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(provider.hashes, 'only the first login hashed').to.have.length(1);
  });

  it('answers a login beyond the hashing queue at once, before the users provider is even asked: 429 throttled with Retry-After', async () => {
    const provider = controlledProvider();
    let asked = 0;
    const users: UserProvider = { authenticate: (name) => { asked++; return provider.authenticate(name); }, findById: async () => undefined, findByUsername: async () => undefined };
    const { request } = buildApp({ users, hashing: { concurrency: 1, queue: 0 } });
    const first = request.post('/auth/token').send({ username: 'alice', password: 'x' }).then((r) => r);
    while (provider.hashes.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const refused = await request.post('/auth/token').send({ username: 'carol', password: 'x' }).expect(429);
    expect(refused.body.error).to.equal('throttled');
    expect(refused.headers['retry-after']).to.equal('1');
    expect(asked, 'only the first login reached the provider').to.equal(1);
    provider.hashes[0]!.finish(true);
    expect((await first).status).to.equal(201);
    expect(provider.hashes).to.have.length(1);
  });

  it('does not count a login refused by the hashing bound towards a lockout: no password was checked', async () => {
    // The refusals must come after the attempt was counted, so that the undo is what keeps carol
    // in: with one hash running and a queue of one, carol's logins pass the early "bound full"
    // check (the queue is empty), are counted, then wait in the queue past hashing.maxWait (429).
    const provider = controlledProvider();
    const users: UserProvider = { authenticate: provider.authenticate, findById: async () => undefined, findByUsername: async () => undefined };
    const { request } = buildApp({ users, hashing: { concurrency: 1, queue: 1, maxWait: 0.02 }, throttle: { username: { limit: 2 } } });
    const first = request.post('/auth/token').send({ username: 'alice', password: 'x' }).then((r) => r);
    while (provider.hashes.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < 3; i++) {
      const refused = await request.post('/auth/token').send({ username: 'carol', password: 'x' }).expect(429);
      expect(refused.body.error_description, 'refused after waiting in the queue, not by the early check').to.match(/waited too long/);
    }
    provider.hashes[0]!.finish(true);
    await first;
    const next = request.post('/auth/token').send({ username: 'carol', password: 'right' }).then((r) => r);
    while (provider.hashes.length === 1) await new Promise((resolve) => setTimeout(resolve, 5));
    provider.hashes[1]!.finish(true);
    expect((await next).status, 'carol was not locked out by refusals').to.equal(201);
  });
});
