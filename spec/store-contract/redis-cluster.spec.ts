import { Cluster, Redis } from 'ioredis';
import { redisStore } from '../../lib/redis.js';
import type { Store } from '../../lib/stores/store.js';
import { storeContract } from '../../lib/testing.js';
import { REDIS_SKIP, RedisServer, redisServerBinary } from '../helpers/redis-server.js';

// The Store contract through ioredis's Cluster client, on a one-node Redis Cluster that owns
// every slot. Cluster mode refuses a multi-key command or a script whose keys are in different
// slots (CROSSSLOT) even on one node, so this proves the hash tags keep each operation's keys
// together.

describe('redisStore on a Redis Cluster', function () {
  this.timeout(20_000);
  let server: RedisServer | undefined;
  const clients: Cluster[] = [];

  before(async function () {
    if (!redisServerBinary()) {
      console.log(`      ${REDIS_SKIP}`);
      this.skip();
    }
    server = await RedisServer.start(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1']);
    const admin = new Redis(server.url);
    try {
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', 0, 16383);
      while (!/cluster_state:ok/.test(String(await admin.call('CLUSTER', 'INFO')))) await new Promise((r) => setTimeout(r, 50));
    } finally {
      admin.disconnect();
    }
  });

  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
    await server?.destroy();
  });

  // A prefix per case (a fresh backend), a second Cluster client on it for the second handle.
  const prefixes = new WeakMap<Store, string>();
  let cases = 0;
  const handle = (prefix: string) => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: server!.port }]);
    clients.push(cluster);
    return redisStore(cluster, { prefix, timeout: 5000 });
  };
  storeContract('redisStore (Cluster client)', () => {
    const prefix = `cluster-spec-${++cases}:`;
    const store = handle(prefix);
    prefixes.set(store, prefix);
    return store;
  }, { secondHandle: (store) => handle(prefixes.get(store)!) });
});
