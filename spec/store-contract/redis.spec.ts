import { redisStore } from '../../lib/redis.js';
import { storeContract } from '../../lib/testing.js';
import { useRedis } from '../helpers/redis-server.js';

// The Store contract on a real Redis: our own redis-server when installed, else REDIS_URL,
// else skipped saying how to get one. Every store handle gets its own connection and all
// share one prefix, as the instances of one service share one server.

describe('redisStore against Redis', function () {
  this.timeout(20_000);
  const redis = useRedis();
  storeContract('redisStore', () => redisStore(redis.client(), { prefix: redis.prefix, timeout: 5000 }));
});
