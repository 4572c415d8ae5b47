import { RedisServer, redisServerBinary } from '../../spec/helpers/redis-server.js';

// The Redis the store benchmarks run on, found as the specs find theirs: our own redis-server
// (a random port, no persistence, a temp dir) when the binary is installed, else REDIS_URL,
// else none, with the reason the store rows are skipped.

export type BenchRedis =
  | { url: string; source: 'own redis-server' | 'REDIS_URL'; stop(): Promise<void> }
  | { url: undefined; skipped: string };

export async function benchRedis(): Promise<BenchRedis> {
  if (redisServerBinary()) {
    const server = await RedisServer.start();
    return { url: server.url, source: 'own redis-server', stop: () => server.destroy() };
  }
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, source: 'REDIS_URL', stop: async () => undefined };
  return { url: undefined, skipped: 'no redis-server on PATH (apt-get install -y redis-server) and no REDIS_URL set' };
}
