import { expect } from 'chai';
import { call, type FleetInstance, login, startFleet } from '../helpers/fleet.js';
import { SECRET } from '../helpers/keys.js';
import { useRedis } from '../helpers/redis-server.js';

// Redis paused (CLIENT PAUSE) and restarted under a fleet: 503 with Retry-After while it cannot
// answer, then recovery, and nothing acknowledged is lost. This server keeps an append-only
// file (fsync on every write), as a production Redis holding revocations should.

describe('fleet: Redis paused and restarted (processes on one Redis)', function () {
  this.timeout(180_000);
  const redis = useRedis({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
  let fleet: FleetInstance[] = [];
  let a: FleetInstance;
  let b: FleetInstance;

  before(async () => {
    fleet = await startFleet(2, { redisUrl: redis.url, prefix: `${redis.prefix}outage:`, secret: SECRET, storeTimeoutMs: 500 });
    [a, b] = fleet as [FleetInstance, FleetInstance];
  });
  after(async () => { await Promise.all(fleet.map((instance) => instance.stop())); });

  /** Answers of `count` requests of `token` to /me, alternating instances. */
  const probe = (token: string, count: number) => Promise.all(Array.from({ length: count }, (_, i) => call(fleet[i % 2]!, 'GET', '/me', { token })));

  it('CLIENT PAUSE: 503 with Retry-After and no 5xx else, then 200 again; a logout acknowledged before stays', async () => {
    const kept = await login(a);
    const loggedOut = await login(b);
    expect((await call(b, 'POST', '/auth/token/blacklist', { token: loggedOut.token })).status).to.equal(201);

    await redis.pause(3000);
    const during = await probe(kept.token, 6);
    for (const answer of during) {
      expect(answer.status).to.equal(503);
      expect(Number(answer.headers.get('retry-after'))).to.be.greaterThan(0);
    }
    const logoutDuring = await call(a, 'POST', '/auth/token/blacklist', { token: kept.token });
    expect(logoutDuring.status, 'a logout the store could not take is not acknowledged').to.equal(503);

    await new Promise((resolve) => setTimeout(resolve, 3200));
    const fresh = await login(a);
    for (const answer of await probe(fresh.token, 4)) expect(answer.status).to.equal(200);
    for (const answer of await probe(loggedOut.token, 4)) expect(answer.status).to.equal(401);
    expect(a.errors.concat(b.errors).some((e) => e.source === 'store'), 'an error event named the store').to.equal(true);
  });

  it('a restart: 503 while it is down, then 200; logouts acknowledged before the restart are still refused after it', async function () {
    if (!redis.server) {
      this.test!.title += ' (skipped: REDIS_URL points at a server these specs do not own, so they cannot restart it)';
      this.skip();
    }
    const kept = await login(a);
    const loggedOut = await login(a);
    expect((await call(a, 'POST', '/auth/token/blacklist', { token: loggedOut.token })).status).to.equal(201);

    await redis.server!.stop();
    for (const answer of await probe(kept.token, 4)) {
      expect(answer.status).to.equal(503);
      expect(answer.headers.get('retry-after')).to.match(/^\d+$/);
    }
    await redis.server!.restart(); // already stopped: this starts it again on the same port and directory

    // ioredis reconnects on its own schedule: wait (at most 20 s) for the first 200.
    const started = performance.now();
    let answer = await call(b, 'GET', '/me', { token: kept.token });
    while (answer.status === 503 && performance.now() - started < 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await call(b, 'GET', '/me', { token: kept.token });
    }
    expect(answer.status).to.equal(200);
    console.log(`      (first 200 after the restart: ${Math.round(performance.now() - started)} ms)`);
    for (const refused of await probe(loggedOut.token, 4)) expect(refused.status).to.equal(401);
    expect((await call(a, 'POST', '/auth/token', { body: { username: 'alice', password: 'alice-password' } })).status).to.equal(201);
  });
});
