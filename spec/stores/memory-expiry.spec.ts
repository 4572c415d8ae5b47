import { expect } from 'chai';
import sinon from 'sinon';
import { memoryStore } from '../../lib/stores/memory-store.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const at = (ms: number) => new Date(Date.now() + ms);

// memoryStore frees revocations, refresh tokens and revoked families once they expire, as a
// TTL index would: each write looks for expired entries at most once a minute.
describe('memoryStore is bounded: entries go when they expire', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => { clock = sinon.useFakeTimers({ now: 1_800_000_000_000, toFake: ['Date', 'performance'] }); });
  afterEach(() => clock.restore());

  /** A write that lets the store sweep (any write does). */
  const touch = (store: ReturnType<typeof memoryStore>) => store.blacklist.add({ tokenId: `touch-${Date.now()}`, expiresAt: at(DAY), blacklistedAt: new Date() });

  it('frees a revocation, a refresh token and its family a minute at most after they expire', async () => {
    const store = memoryStore();
    await store.blacklist.add({ tokenId: 'jti-1', expiresAt: at(10 * MINUTE), blacklistedAt: new Date() });
    await store.refreshTokens.save({ jti: 'r-1', family: 'f-1', user: '1', expiresAt: at(10 * MINUTE) });
    await store.refreshTokens.revokeFamily('f-1', new Date());

    clock.tick(10 * MINUTE + 1);
    await touch(store);
    clock.tick(MINUTE);
    await touch(store);

    expect(await store.blacklist.isBlacklisted(['jti-1'])).to.equal(false);
    expect(await store.refreshTokens.consume('r-1', new Date())).to.equal('unknown');
    expect(await store.refreshTokens.isFamilyRevoked('f-1')).to.equal(false);
    expect(store.counts()).to.deep.equal({ revoked: 2, refreshTokens: 0, families: 0, attemptKeys: 0 }); // the two touches
  });

  it('keeps everything until it has expired', async () => {
    const store = memoryStore();
    await store.blacklist.add({ tokenId: 'jti-1', expiresAt: at(10 * MINUTE), blacklistedAt: new Date() });
    await store.refreshTokens.save({ jti: 'r-1', family: 'f-1', user: '1', expiresAt: at(10 * MINUTE) });
    clock.tick(10 * MINUTE - 1);
    await touch(store);
    expect(await store.blacklist.isBlacklisted(['jti-1'])).to.equal(true);
    expect(await store.refreshTokens.consume('r-1', new Date())).to.equal('consumed');
  });

  it('frees an entry 1 ms past its expiry and keeps one at exactly its expiry (expired means expiresAt < now)', async () => {
    const store = memoryStore();
    const expiry = at(10 * MINUTE);
    const past = new Date(expiry.getTime() - 1);
    await store.blacklist.add({ tokenId: 'jti-at', expiresAt: expiry, blacklistedAt: new Date() });
    await store.blacklist.add({ tokenId: 'jti-past', expiresAt: past, blacklistedAt: new Date() });
    await store.refreshTokens.save({ jti: 'r-at', family: 'f-at', user: '1', expiresAt: expiry });
    await store.refreshTokens.save({ jti: 'r-past', family: 'f-past', user: '1', expiresAt: past });
    // Revoked, so that a family's presence shows; each lives as long as its token.
    await store.refreshTokens.revokeFamily('f-at', new Date());
    await store.refreshTokens.revokeFamily('f-past', new Date());

    clock.tick(10 * MINUTE); // the sweep below runs at exactly `expiry`
    await touch(store);

    expect(await store.blacklist.isBlacklisted(['jti-at']), 'revocation at its expiry').to.equal(true);
    expect(await store.blacklist.isBlacklisted(['jti-past']), 'revocation past its expiry').to.equal(false);
    expect(await store.refreshTokens.isFamilyRevoked('f-at'), 'family at its expiry').to.equal(true);
    expect(await store.refreshTokens.isFamilyRevoked('f-past'), 'family past its expiry').to.equal(false);
    expect(await store.refreshTokens.consume('r-at', new Date()), 'refresh token at its expiry').to.equal('revoked');
    expect(await store.refreshTokens.consume('r-past', new Date()), 'refresh token past its expiry').to.equal('unknown');
    expect(store.counts()).to.deep.equal({ revoked: 2, refreshTokens: 1, families: 1, attemptKeys: 0 }); // with the touch
  });

  it('keeps an entry added again with a later expiry until that later expiry', async () => {
    const store = memoryStore();
    await store.blacklist.add({ tokenId: 'jti-1', expiresAt: at(MINUTE), blacklistedAt: new Date() });
    await store.blacklist.add({ tokenId: 'jti-1', expiresAt: at(DAY), blacklistedAt: new Date() });
    clock.tick(2 * MINUTE);
    await touch(store);
    expect(await store.blacklist.isBlacklisted(['jti-1'])).to.equal(true);
  });

  it('keeps a revoked family as long as its latest token, and as long as the revocation says', async () => {
    const store = memoryStore();
    await store.refreshTokens.save({ jti: 'r-1', family: 'f-1', user: '1', expiresAt: at(MINUTE) });
    await store.refreshTokens.save({ jti: 'r-2', family: 'f-1', user: '1', expiresAt: at(DAY) });
    await store.refreshTokens.revokeFamily('f-1', new Date());
    await store.refreshTokens.revokeFamily('f-2', new Date(), at(2 * DAY)); // no token of it here yet
    clock.tick(DAY + 2 * MINUTE);
    await touch(store);
    expect(await store.refreshTokens.isFamilyRevoked('f-1')).to.equal(false);
    expect(await store.refreshTokens.isFamilyRevoked('f-2')).to.equal(true);
    clock.tick(DAY);
    await touch(store);
    expect(await store.refreshTokens.isFamilyRevoked('f-2')).to.equal(false);
  });

  it('keeps a family revoked with no expiry and no token here for seven days, then frees it', async () => {
    const store = memoryStore();
    await store.refreshTokens.revokeFamily('f-unknown', new Date());
    clock.tick(7 * DAY - MINUTE);
    await touch(store);
    expect(await store.refreshTokens.isFamilyRevoked('f-unknown')).to.equal(true);
    clock.tick(2 * MINUTE);
    await touch(store);
    expect(await store.refreshTokens.isFamilyRevoked('f-unknown')).to.equal(false);
  });

  it('frees nothing early when the wall clock jumps forward (+8 days) and comes back', async () => {
    const store = memoryStore();
    await store.blacklist.add({ tokenId: 'jti-1', expiresAt: at(7 * DAY), blacklistedAt: new Date() });
    await store.refreshTokens.save({ jti: 'r-1', family: 'f-1', user: '1', expiresAt: at(DAY) });
    const before = Date.now();
    clock.setSystemTime(before + 8 * DAY);
    clock.tick(2 * MINUTE);
    await touch(store);
    clock.setSystemTime(before + 3 * MINUTE);
    expect(await store.blacklist.isBlacklisted(['jti-1'])).to.equal(true);
    expect(await store.refreshTokens.consume('r-1', new Date())).to.equal('consumed');
  });

  it('holds a steady number of entries under steady traffic, however long it runs', async () => {
    const store = memoryStore();
    // A refresh every minute for 10 simulated days, each token living one hour.
    for (let i = 0; i < 10 * 24 * 60; i++) {
      await store.refreshTokens.save({ jti: `r-${i}`, family: `f-${Math.floor(i / 10)}`, user: '1', expiresAt: at(60 * MINUTE) });
      if (i > 0) await store.refreshTokens.consume(`r-${i - 1}`, new Date());
      clock.tick(MINUTE);
    }
    expect(store.counts().refreshTokens).to.be.within(55, 62);
    expect(store.counts().families).to.be.within(6, 8);
  });
});
