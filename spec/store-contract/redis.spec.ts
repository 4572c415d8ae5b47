import { redisStore } from '../../lib/redis.js';
import type { Store } from '../../lib/stores/store.js';
import { storeContract } from '../../lib/testing.js';
import { useRedis } from '../helpers/redis-server.js';

// The Store contract on a real Redis: our own redis-server when installed, else REDIS_URL,
// else skipped saying how to get one. Each case gets a prefix of its own (a fresh backend, as
// the contract asks of makeStore), and its second handle a connection of its own on that
// prefix, as two instances of one service share one server.

describe('redisStore against Redis', function () {
  this.timeout(20_000);
  const redis = useRedis();
  const prefixes = new WeakMap<Store, string>();
  let cases = 0;
  storeContract('redisStore', () => {
    const prefix = `${redis.prefix}case-${++cases}:`;
    const store = redisStore(redis.client(), { prefix, timeout: 5000 });
    prefixes.set(store, prefix);
    return store;
  }, { secondHandle: (store) => redisStore(redis.client(), { prefix: prefixes.get(store)!, timeout: 5000 }) });
});
