import { expect } from 'chai';
import { call, type FleetInstance, type FleetInstanceOptions, login, startFleet, startInstance } from '../helpers/fleet.js';
import { useRedis } from '../helpers/redis-server.js';

// Managed rotation shared through Redis by real processes: slots of 4 s, so that a spec sees
// keys created, activated and retired by whichever instance gets there first.

const SLOT_SECONDS = 4;

describe('fleet: managed rotation across instances (processes on one Redis)', function () {
  this.timeout(180_000);
  const redis = useRedis();
  let fleet: FleetInstance[] = [];
  let options: FleetInstanceOptions;

  before(async () => {
    options = {
      redisUrl: redis.url,
      prefix: `${redis.prefix}rotation:`,
      // Tokens outlive several slots (and an instance's restart on a busy machine): retired keys
      // must keep verifying them.
      expiresIn: 30,
      rotation: { algorithm: 'ES256', every: SLOT_SECONDS, publishAhead: 2, checkEvery: 1, retireAfter: 32, jwksMaxAge: 1 },
    };
    fleet = await startFleet(2, options);
  });
  after(async () => { await Promise.all(fleet.map((instance) => instance.stop())); });

  it('over three slot boundaries, every token of each instance verifies at the other, and the kid changes', async () => {
    const kids = new Set<string>();
    let checks = 0;
    const failures: string[] = [];
    const until = performance.now() + 3 * SLOT_SECONDS * 1000 + 500;
    while (performance.now() < until) {
      for (const [issuer, verifier] of [[fleet[0]!, fleet[1]!], [fleet[1]!, fleet[0]!]] as const) {
        const { token } = await login(issuer);
        kids.add(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid as string);
        const answer = await call(verifier, 'GET', '/me', { token });
        checks++;
        if (answer.status !== 200) failures.push(`${answer.status} ${JSON.stringify(answer.body)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    console.log(`      (${checks} cross-instance verifications, ${failures.length} failed, ${kids.size} kids signed)`);
    expect(failures).to.deep.equal([]);
    expect(kids.size, 'keys rotated at least twice').to.be.at.least(3);
    // One key per slot, whoever created it: the kids are the slots' kids.
    for (const kid of kids) expect(kid).to.match(/^ES256-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  });

  it('a restarted instance loads the keys from Redis: it verifies tokens signed before it started, and its own verify elsewhere', async () => {
    const { token } = await login(fleet[0]!);
    const port = fleet[1]!.port;
    await fleet[1]!.stop();
    fleet[1] = await startInstance({ ...options, port });
    expect((await call(fleet[1], 'GET', '/me', { token })).status).to.equal(200);
    const own = await login(fleet[1]);
    expect((await call(fleet[0]!, 'GET', '/me', { token: own.token })).status).to.equal(200);
  });
});
