import sinon from 'sinon';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';
import { testConfig } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { remoteLike } from '../helpers/failing-store.js';

const alice = { id: '1', username: 'alice' };
const DAY = 24 * 3600 * 1000;
/** Lets a background store call (behind a promise) finish. */
const settle = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

// Time-based bookkeeping must not fail open when the wall clock jumps: intervals are measured
// on the monotonic clock, and "expired" means expired by both clocks (lib/clock.ts).
describe('revocation bookkeeping across wall-clock jumps', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => { clock = sinon.useFakeTimers({ now: 1_800_000_000_000, toFake: ['Date', 'performance'] }); });
  afterEach(() => clock.restore());

  it('blacklist.deleteStale during a brief +8 days jump deletes no live revocation', async () => {
    const store = memoryStore();
    const auth = koaJwt(testConfig({ store, blacklist: { deleteStale: true } }));
    const { token: revoked } = await auth.issue(alice);
    await auth.blacklist(revoked); // its entry lives 7 days + 5 minutes (the family's latest expiry)
    const before = Date.now();

    clock.setSystemTime(before + 8 * DAY);
    clock.tick(61_000); // long enough for the memory store's own sweep to run as well
    await auth.blacklist((await auth.issue(alice)).token); // a logout: runs deleteStale

    clock.setSystemTime(before + 62_000); // the clock comes back
    await rejectsWithCode(auth.verify(revoked), 'token_revoked');
  });

  it('deleteStale still removes entries that expired by both clocks', async () => {
    const store = memoryStore();
    const auth = koaJwt(testConfig({ store, blacklist: { deleteStale: true } }));
    await store.blacklist.add({ tokenId: 'old', expiresAt: new Date(Date.now() + 60_000), blacklistedAt: new Date() });
    clock.tick(61_000);
    await auth.blacklist((await auth.issue(alice)).token);
    if (await store.blacklist.isBlacklisted(['old'])) throw new Error('an entry expired by both clocks was kept');
  });

  it('blacklist.cache does not trust a set older than cacheSeconds when the wall clock steps back', async () => {
    const store: Store = remoteLike(memoryStore());
    const here = koaJwt(testConfig({ store, blacklist: { cache: true, cacheSeconds: 4 } }));
    const elsewhere = koaJwt(testConfig({ store }));
    const { token } = await here.issue(alice);
    await here.verify(token); // loads the set
    await settle();
    await elsewhere.blacklist(token);

    clock.setSystemTime(Date.now() - 60_000); // a step back of a minute...
    clock.tick(4_000); // ...while 4 s really pass: the set is now cacheSeconds old
    await rejectsWithCode(here.verify(token), 'token_revoked');
  });
});
