import { expect } from 'chai';
import sinon from 'sinon';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { testConfig } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { secretOf } from '../helpers/keys.js';
import { internalsOf } from '../../lib/internals.js';

// docs/caches.md: the verified-token cache (token.cache) skips the signature check for a token seen
// before, so every way a token stops being valid must also stop its entry from being used.
// A hit answers the very payload object it cached (frozen, shared); a verification makes a new
// one: payload identity tells a hit from a signature check.
describe('verified-token cache (token.cache)', () => {
  afterEach(() => sinon.restore());

  const alice = { id: '1', username: 'alice' };
  const build = (overrides: KoaJwtConfig = {}): KoaJwt => koaJwt(testConfig(overrides));
  const issue = async (auth: KoaJwt, user = alice) => (await auth.issue(user)).token;

  it('is on by default: a token is verified once, then answered from the cache', async () => {
    const auth = build();
    const token = await issue(auth);
    const first = await auth.verify(token);
    expect(await auth.verify(token), 'second call: a hit').to.equal(first);
    expect(await auth.verify(token), 'third call: a hit').to.equal(first);
    expect(internalsOf(auth).authority.verifier.cache?.size).to.equal(1);
  });

  it('is off with token.cache: false: every call checks the signature', async () => {
    const auth = build({ token: { cache: false } });
    const token = await issue(auth);
    const first = await auth.verify(token);
    const second = await auth.verify(token);
    expect(second).to.deep.equal(first);
    expect(second, 'verified again').not.to.equal(first);
    expect(internalsOf(auth).authority.verifier.cache).to.equal(undefined);
  });

  it('refuses a cached token with token_expired once its exp has passed', async () => {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    const auth = build({ token: { expiresIn: 60 } });
    const token = await issue(auth);
    await auth.verify(token);
    clock.tick(59_000);
    await auth.verify(token);
    clock.tick(1_000);
    await rejectsWithCode(auth.verify(token), 'token_expired');
    expect(internalsOf(auth).authority.verifier.cache?.size, 'the expired entry is dropped').to.equal(0);
  });

  it('applies the leeway on a hit as on a first verification', async () => {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    const auth = build({ token: { expiresIn: 60, leeway: 10 } });
    const token = await issue(auth);
    await auth.verify(token);
    clock.tick(65_000);
    await auth.verify(token);
    clock.tick(5_000);
    await rejectsWithCode(auth.verify(token), 'token_expired');
  });

  it('stops accepting a token at once when its key is removed', async () => {
    const auth = build({ keys: { secret: { k1: secretOf(32) } } });
    const token = await issue(auth);
    await auth.verify(token);
    auth.keyring.add({ kid: 'k2', alg: 'HS256', secret: secretOf(32) }, { state: 'next' });
    auth.keyring.promote('k2');
    await auth.verify(token);
    auth.keyring.remove('k1');
    await rejectsWithCode(auth.verify(token), 'token_invalid');
  });

  it('drops its entries when a key is retired (the token is verified again, and a retired key still verifies)', async () => {
    const auth = build({ keys: { secret: { k1: secretOf(32) } } });
    const token = await issue(auth);
    const before = await auth.verify(token);
    auth.keyring.retire('k1');
    expect(internalsOf(auth).authority.verifier.cache?.size).to.equal(0);
    const after = await auth.verify(token);
    expect(after).to.deep.equal(before);
    expect(after, 'verified again after the retirement').not.to.equal(before);
  });

  it('keeps its entries when a key is only added', async () => {
    const auth = build({ keys: { secret: { k1: secretOf(32) } } });
    const token = await issue(auth);
    await auth.verify(token);
    auth.keyring.add({ kid: 'k2', alg: 'HS256', secret: secretOf(32) }, { state: 'next' });
    expect(internalsOf(auth).authority.verifier.cache?.size).to.equal(1);
  });

  it('stops accepting every token of a user whose secret is rotated here (userSecrets)', async () => {
    const auth = build({ userSecrets: true });
    const token = await issue(auth);
    const other = await issue(auth, { id: '3', username: 'root' });
    await auth.verify(token);
    await auth.verify(other);
    await auth.rotateUserSecret('1');
    await rejectsWithCode(auth.verify(token), 'token_invalid');
    await auth.verify(other);
  });

  it('keeps a per-user-secret token at most blacklist.cacheSeconds, the bound for a rotation made elsewhere', async () => {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date', 'performance'] });
    const store = memoryStore();
    const auth = build({ userSecrets: true, store, blacklist: { cacheSeconds: 5 } });
    const token = await issue(auth);
    await auth.verify(token);
    // Another instance rotates the secret in the shared store: this one is not told.
    await store.userSecrets.rotate('1');
    clock.tick(5_000);
    await rejectsWithCode(auth.verify(token), 'token_invalid');
  });

  it('measures that bound on the monotonic clock: a 10-minute step back of the wall clock does not stretch it', async () => {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date', 'performance'] });
    const store = memoryStore();
    const auth = build({ userSecrets: true, store, blacklist: { cacheSeconds: 5 } });
    const cache = internalsOf(auth).authority.verifier.cache!;
    const token = await issue(auth);
    await auth.verify(token);
    await store.userSecrets.rotate('1'); // elsewhere: this instance is not told

    clock.setSystemTime(Date.now() - 10 * 60_000);
    const wallNow = () => Math.floor(Date.now() / 1000);
    clock.tick(4_999);
    expect(cache.get(token, wallNow()), 'cached until 5 s have passed').not.to.equal(undefined);
    clock.tick(1);
    expect(cache.get(token, wallNow()), 'no longer used 5 s after it was cached').to.equal(undefined);
    const err = await rejectsWithCode(auth.verify(token), 'token_invalid');
    expect(err.message, 'refused for the rotated secret').to.match(/signature/);
  });

  it('still checks revocation on every call: a cached token that is blacklisted is refused at once', async () => {
    const auth = build();
    const token = await issue(auth);
    await auth.verify(token);
    await auth.blacklist(token);
    await rejectsWithCode(auth.verify(token), 'token_revoked');
  });

  it('holds at most token.cache.max tokens, dropping the least recently used', async () => {
    const auth = build({ token: { cache: { max: 2 } } });
    const [t1, t2, t3] = [await issue(auth), await issue(auth), await issue(auth)];
    const p1 = await auth.verify(t1);
    const p2 = await auth.verify(t2);
    await auth.verify(t1);
    const p3 = await auth.verify(t3);
    expect(internalsOf(auth).authority.verifier.cache?.size).to.equal(2);
    expect(await auth.verify(t1), 't1 is cached').to.equal(p1);
    expect(await auth.verify(t3), 't3 is cached').to.equal(p3);
    expect(await auth.verify(t2), 't2 was the least recently used, and was dropped').not.to.equal(p2);
  });

  it('never caches a token that failed', async () => {
    const auth = build();
    const token = await issue(auth);
    const forged = `${token.slice(0, -4)}AAAA`;
    await rejectsWithCode(auth.verify(forged), 'token_invalid');
    await rejectsWithCode(auth.verify(forged), 'token_invalid');
    expect(internalsOf(auth).authority.verifier.cache?.size).to.equal(0);
  });

  it('shares a frozen payload between hits, so one request cannot change what the next one sees', async () => {
    const auth = build();
    const token = await issue(auth);
    const first = await auth.verify(token);
    expect(Object.isFrozen(first)).to.equal(true);
    expect(() => {
      (first as Record<string, unknown>).user_id = '3';
    }).to.throw(TypeError);
    expect((await auth.verify(token)).user_id).to.equal('1');
  });

  it('does not keep what a verification found when the cache was emptied while it ran', async () => {
    const auth = build();
    const cache = internalsOf(auth).authority.verifier.cache!;
    const verified = await internalsOf(auth).authority.verifier.verifySignatureAndClaims(await issue(auth));
    cache.clear();
    const ticket = cache.ticket();
    cache.clear();
    cache.set(verified, ticket);
    expect(cache.size).to.equal(0);
  });
});
