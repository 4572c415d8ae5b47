import { expect } from 'chai';
import { useRedis } from '../helpers/redis-server.js';

// The fault helpers the fleet specs rely on: a restart loses what the server held (no
// persistence) on the same port, and a paused server still answers once the pause ends.

describe('spec helper: useRedis', function () {
  this.timeout(20_000);
  const redis = useRedis();

  it('restarts our own server on the same port, without what it held', async function () {
    if (!redis.server) {
      this.test!.title += ' (skipped: REDIS_URL points at a server these specs do not own, so they cannot restart it)';
      this.skip();
    }
    const before = redis.client();
    await before.set(`${redis.prefix}kept?`, '1');
    const port = redis.server!.port;
    await redis.restart();
    expect(redis.server!.port).to.equal(port);
    expect(await redis.client().get(`${redis.prefix}kept?`)).to.equal(null);
  });

  it('pauses every client, and each command sent meanwhile is answered once the pause ends', async () => {
    const client = redis.client();
    await client.set(`${redis.prefix}paused`, 'v');
    await redis.pause(300);
    expect(await client.get(`${redis.prefix}paused`)).to.equal('v');
  });
});
