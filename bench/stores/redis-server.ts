import { Redis } from 'ioredis';
import { RedisServer, redisServerBinary } from '../../spec/helpers/redis-server.js';

// The Redis the store benchmarks run on, found as the specs find theirs: our own redis-server
// (a random port, no persistence, a temp dir) when the binary is installed, else REDIS_URL,
// else none, with the reason the store rows are skipped.

export type BenchRedis =
  | { url: string; source: 'own redis-server' | 'REDIS_URL'; prefix: string; stop(): Promise<void> }
  | { url: undefined; skipped: string };

/** Deletes every key under `prefix`: on a server the bench does not own, it leaves nothing behind. */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (found.length > 0) await client.del(...found);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

export async function benchRedis(): Promise<BenchRedis> {
  // Every app's keys start with it: runs sharing a REDIS_URL never see each other's keys.
  const prefix = `koa-jwt-kit-bench-${process.pid}-`;
  if (redisServerBinary()) {
    const server = await RedisServer.start();
    return { url: server.url, source: 'own redis-server', prefix, stop: () => server.destroy() };
  }
  const url = process.env.REDIS_URL;
  if (url) return { url, source: 'REDIS_URL', prefix, stop: () => deleteKeys(url, prefix) };
  return { url: undefined, skipped: 'no redis-server on PATH (apt-get install -y redis-server) and no REDIS_URL set' };
}
