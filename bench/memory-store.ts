import { randomUUID } from 'node:crypto';
import { koaJwt } from '../lib/koa-jwt.js';
import { memoryStore } from '../lib/stores/memory-store.js';
import { memoryUsers } from '../lib/users/memory-users.js';

// npm run bench:memory-store [-- --quick]
// Is memoryStore() bounded, and what does a logout cost with blacklist.deleteStale?
// 1. RSS after 1M pair refreshes through the Store API (save the successor, consume the old
//    token), spread over 10 simulated days with refresh tokens living 1 day: the store should
//    hold about one day of tokens, not all of them.
// 2. The cost of one logout (auth.blacklist with deleteStale) when 100k revocations are held.
// Run with --expose-gc (the npm script does) so heap numbers are after a collection.

const quick = process.argv.includes('--quick');
const REFRESHES = quick ? 100_000 : 1_000_000;
const SIMULATED_DAYS = 10;
const LIFETIME_MS = 24 * 3600 * 1000;
const PER_FAMILY = 10; // refreshes per login
const HELD = quick ? 10_000 : 100_000;
const LOGOUTS = quick ? 2_000 : 10_000;

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
function memory(): { rss: number; heapUsed: number } {
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/**
 * Simulated time: Date.now and performance.now (what memoryStore's clock reads) move by `tick`.
 * Plain replacements rather than sinon's fake Date, whose Date objects would weigh on the heap
 * being measured.
 */
function simulatedTime(): { tick(ms: number): void; restore(): void } {
  const realDateNow = Date.now;
  const realPerfNow = performance.now.bind(performance);
  let wall = realDateNow();
  let mono = realPerfNow();
  Date.now = () => wall;
  performance.now = () => mono;
  return {
    tick(ms) { wall += ms; mono += ms; },
    restore() { Date.now = realDateNow; performance.now = realPerfNow; },
  };
}

async function pairRefreshes(): Promise<void> {
  const time = simulatedTime();
  try {
    const store = memoryStore();
    const before = memory();
    const step = (SIMULATED_DAYS * LIFETIME_MS) / REFRESHES;
    let peak = before.rss;
    let family = '';
    let previous: string | undefined;
    const series: string[] = [];
    for (let i = 0; i < REFRESHES; i++) {
      if (i % PER_FAMILY === 0) { family = randomUUID(); previous = undefined; }
      const jti = randomUUID();
      await store.refreshTokens.save({ jti, family, user: String(i % 1000), expiresAt: new Date(Date.now() + LIFETIME_MS) });
      if (previous) await store.refreshTokens.consume(previous, new Date(Date.now()));
      previous = jti;
      time.tick(step);
      if ((i + 1) % (REFRESHES / SIMULATED_DAYS) === 0) {
        const m = memory();
        peak = Math.max(peak, m.rss);
        series.push(`day ${(i + 1) / (REFRESHES / SIMULATED_DAYS)}: RSS ${mb(m.rss)}, heap ${mb(m.heapUsed)}`);
      }
    }
    const after = memory();
    const counts = store.counts();
    console.log(`1. ${REFRESHES.toLocaleString('en')} pair refreshes over ${SIMULATED_DAYS} simulated days, refresh tokens living 1 day`);
    console.log(`   held at the end: ${counts.refreshTokens.toLocaleString('en')} refresh tokens, ${counts.families.toLocaleString('en')} families (about one day's worth)`);
    console.log(`   RSS ${mb(before.rss)} -> ${mb(after.rss)} (peak ${mb(peak)}); heap used ${mb(before.heapUsed)} -> ${mb(after.heapUsed)}`);
    console.log(`   heap per held refresh token: ${((after.heapUsed - before.heapUsed) / counts.refreshTokens).toFixed(0)} B`);
    console.log(`   after each simulated day (a bounded store levels off after day 1): ${series.join('; ')}`);
  } finally {
    time.restore();
  }
}

async function logouts(deleteStale: boolean): Promise<number> {
  const store = memoryStore();
  const users = memoryUsers([{ id: '1', username: 'alice', passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA' }]);
  const auth = koaJwt({ keys: { secret: 'b'.repeat(64) }, users, store, blacklist: { deleteStale } });
  const exp = Math.floor(Date.now() / 1000) + 300;
  for (let i = 0; i < HELD; i++) {
    await store.blacklist.add({ tokenId: randomUUID(), expiresAt: new Date((exp + 7 * 86400) * 1000), blacklistedAt: new Date() });
  }
  const payloads = Array.from({ length: LOGOUTS }, () => ({ jti: randomUUID(), user_id: '1', exp, iat: exp - 300, orig_iat: exp - 300 }));
  for (const p of payloads.slice(0, 200)) await auth.blacklist({ ...p, jti: randomUUID() }); // warm up
  const t0 = performance.now();
  for (const p of payloads) await auth.blacklist(p);
  const perLogout = ((performance.now() - t0) * 1000) / LOGOUTS;
  await auth.close();
  return perLogout;
}

await pairRefreshes();
const withSweep = await logouts(true);
const without = await logouts(false);
console.log(`2. one logout (auth.blacklist of a payload) with ${HELD.toLocaleString('en')} revocations held, mean of ${LOGOUTS.toLocaleString('en')}`);
console.log(`   blacklist.deleteStale on: ${withSweep.toFixed(2)} µs; off: ${without.toFixed(2)} µs`);
