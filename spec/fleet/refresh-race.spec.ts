import { expect } from 'chai';
import { call, type FleetInstance, login, startFleet } from '../helpers/fleet.js';
import { SECRET } from '../helpers/keys.js';
import { useRedis } from '../helpers/redis-server.js';

// Pair mode's consume-once across processes: the Lua script is the only arbiter.

describe('fleet: one refresh token refreshed at once on three processes', function () {
  this.timeout(120_000);
  const redis = useRedis();
  let fleet: FleetInstance[] = [];

  before(async () => {
    fleet = await startFleet(3, { redisUrl: redis.url, prefix: `${redis.prefix}race:`, secret: SECRET, pair: true });
  });
  after(async () => { await Promise.all(fleet.map((instance) => instance.stop())); });

  it('50 simultaneous refreshes of one refresh token: exactly one succeeds, the rest are refused as reuse', async () => {
    const { refresh } = await login(fleet[0]!);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => call(fleet[i % fleet.length]!, 'POST', '/auth/token/refresh', { body: { refresh } })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).to.have.length(1);
    expect(statuses.filter((s) => s === 401)).to.have.length(49);
    expect(new Set(answers.filter((a) => a.status === 401).map((a) => a.body.error))).to.satisfy((codes: Set<unknown>) => [...codes].every((c) => c === 'token_reused' || c === 'token_revoked'));
  });

  it('and the winner\'s new refresh token is revoked with its family (reuse detection), on every instance', async () => {
    const { refresh } = await login(fleet[1]!);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => call(fleet[i % fleet.length]!, 'POST', '/auth/token/refresh', { body: { refresh } })));
    const winner = answers.find((a) => a.status === 201)!;
    expect(winner, 'one refresh succeeded').to.not.equal(undefined);
    for (const instance of fleet) {
      expect((await call(instance, 'POST', '/auth/token/refresh', { body: { refresh: winner.body.refresh } })).status).to.equal(401);
    }
  });
});
