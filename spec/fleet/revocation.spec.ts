import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { call, type FleetInstance, login, startFleet, startInstance } from '../helpers/fleet.js';
import { SECRET } from '../helpers/keys.js';
import { useRedis } from '../helpers/redis-server.js';

// Real processes on one real Redis: a logout on one instance reaches the others.

describe('fleet: a logout reaches every instance (processes on one Redis)', function () {
  this.timeout(120_000);
  const redis = useRedis();
  let fleet: FleetInstance[] = [];

  afterEach(async () => {
    await Promise.all(fleet.map((instance) => instance.stop()));
    fleet = [];
  });

  it('without blacklist.cache: a token logged out on A is refused on B and C at once, and by a verify-only service on the store', async () => {
    // ES256, so that the verify-only service holds only the public key (an HS secret could sign).
    const ecKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const options = { redisUrl: redis.url, prefix: `${redis.prefix}plain:`, ecKeyPem };
    fleet = [...await startFleet(3, options), await startInstance({ ...options, verifyOnly: true })];
    const [a, b, c, verifier] = fleet as [FleetInstance, FleetInstance, FleetInstance, FleetInstance];
    const { token } = await login(a);
    for (const instance of fleet) expect((await call(instance, 'GET', '/me', { token })).status).to.equal(200);

    const loggedOut = await call(a, 'POST', '/auth/token/blacklist', { token });
    expect(loggedOut.status).to.equal(201);
    // The very next request, no wait: the revocation is in Redis before the 201 is sent.
    for (const instance of [b, c, verifier, a]) {
      const refused = await call(instance, 'GET', '/me', { token });
      expect(refused.status, `instance on port ${instance.port}`).to.equal(401);
      expect(refused.body.error).to.equal('token_revoked');
    }
  });

  it('with blacklist.cache: refused on B within cacheSeconds (polled every 100 ms), and still refused after', async () => {
    const cacheSeconds = 2;
    fleet = await startFleet(2, { redisUrl: redis.url, prefix: `${redis.prefix}cached:`, secret: SECRET, cacheSeconds });
    const [a, b] = fleet as [FleetInstance, FleetInstance];
    const { token } = await login(a);
    expect((await call(b, 'GET', '/me', { token })).status).to.equal(200);

    expect((await call(a, 'POST', '/auth/token/blacklist', { token })).status).to.equal(201);
    const loggedOutAt = performance.now();
    expect((await call(a, 'GET', '/me', { token })).status, 'the instance that logged out knows at once').to.equal(401);
    let refusedAfter: number | undefined;
    // cacheSeconds plus one reload's round trip on a busy machine.
    while (performance.now() - loggedOutAt < cacheSeconds * 1000 + 3000) {
      if ((await call(b, 'GET', '/me', { token })).status === 401) { refusedAfter = performance.now() - loggedOutAt; break; }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(refusedAfter, 'B refused the token').to.be.a('number');
    console.log(`      (B refused it ${Math.round(refusedAfter!)} ms after the logout on A; cacheSeconds ${cacheSeconds})`);
    for (let i = 0; i < 5; i++) expect((await call(b, 'GET', '/me', { token })).status).to.equal(401);
  });
});
