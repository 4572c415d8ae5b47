import { expect } from 'chai';
import { Redis } from 'ioredis';
import { REDIS_PERSISTENCE_WARNING, redisStore } from '../../lib/redis.js';
import { readPersistence, warnIfRedisKeepsNothing } from '../../lib/stores/redis/persistence.js';
import { REDIS_SKIP, RedisServer, redisServerBinary } from '../helpers/redis-server.js';

// The start-up warning of redisStore when Redis keeps nothing on disk. Each case starts its
// own redis-server with the persistence it needs (REDIS_URL cannot be reconfigured).

describe('redisStore: the warning when Redis keeps nothing on disk', function () {
  this.timeout(20_000);
  const servers: RedisServer[] = [];
  const clients: Redis[] = [];

  before(function () {
    if (!redisServerBinary()) {
      console.log(`      ${REDIS_SKIP}`);
      this.skip();
    }
  });

  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
    await Promise.all(servers.splice(0).map((s) => s.destroy()));
  });

  /** A client of a fresh server started with `args` (after the helper's `--save '' --appendonly no`). */
  async function clientOf(args: string[] = []): Promise<Redis> {
    const server = await RedisServer.start(args);
    servers.push(server);
    const client = new Redis(server.url);
    clients.push(client);
    return client;
  }

  /** The warnings `run` makes this process emit with our code. */
  async function warningsDuring(run: () => Promise<void>): Promise<Error[]> {
    const seen: Error[] = [];
    const listener = (warning: Error & { code?: string }) => { if (warning.code === REDIS_PERSISTENCE_WARNING) seen.push(warning); };
    process.on('warning', listener);
    try {
      await run();
      await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on the next tick
    } finally {
      process.off('warning', listener);
    }
    return seen;
  }

  it('warns once for a server without RDB or AOF, however many stores use it, saying a restart forgets every logout', async () => {
    const client = await clientOf();
    const warnings = await warningsDuring(async () => {
      for (const prefix of ['a:', 'b:', 'c:']) await redisStore(client, { prefix }).close!();
    });
    expect(warnings).to.have.length(1);
    expect(warnings[0]!.message).to.match(/keeps nothing on disk/).and.to.match(/restart would forget every logout/).and.to.match(/appendonly/);
  });

  it('does not warn for a server with AOF (appendonly yes), nor for one with RDB save points', async () => {
    const aof = await clientOf(['--appendonly', 'yes']);
    const rdb = await clientOf(['--save', '3600 1']);
    const warnings = await warningsDuring(async () => {
      await redisStore(aof).close!();
      await redisStore(rdb).close!();
    });
    expect(warnings).to.deep.equal([]);
  });

  describe('where CONFIG is refused (as managed Redis services do)', () => {
    const noConfig = ['--rename-command', 'CONFIG', ''];

    it('reads INFO persistence instead: no AOF and no snapshot since start warns, AOF does not', async () => {
      const bare = await clientOf(noConfig);
      expect(await bare.call('CONFIG', 'GET', 'save').then(() => 'answered', () => 'refused')).to.equal('refused');
      expect(await readPersistence(bare)).to.include({ keepsData: false, source: 'info' });
      const emitted: string[] = [];
      expect(await warnIfRedisKeepsNothing(bare, { emit: (m) => emitted.push(m), once: new Set() })).to.equal(true);
      expect(emitted[0]).to.match(/CONFIG is not available/);
      const aof = await clientOf([...noConfig, '--appendonly', 'yes']);
      expect(await readPersistence(aof)).to.include({ keepsData: true, source: 'info' });
    });

    it('never throws when the server answers neither CONFIG nor INFO: it cannot tell, and stays silent', async () => {
      const refusing = { call: async () => { throw new Error('NOPERM this user has no permissions to run this command'); } };
      expect(await readPersistence(refusing)).to.deep.equal({ keepsData: undefined, source: 'none' });
      const emitted: string[] = [];
      expect(await warnIfRedisKeepsNothing(refusing, { emit: (m) => emitted.push(m), once: new Set() })).to.equal(false);
      expect(emitted).to.deep.equal([]);
    });
  });
});
