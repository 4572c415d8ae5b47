import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import Koa from 'koa';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { redisStore } from '../../lib/redis.js';
import { type Fixture, makeAuth } from '../setup.js';

// One store app per process: `tsx bench/stores/server.ts <app>`, the fixture in BENCH_FIXTURE,
// the server in BENCH_REDIS_URL, the run's key prefix in BENCH_REDIS_PREFIX. Prints "READY <port>" once it listens on 127.0.0.1.

/** The store apps: a protected GET / ("ok"), or pair mode's POST /token/refresh (+ POST /seed). */
export const STORE_APPS = {
  'memory': { label: 'memory store', store: 'memory', cache: false, refresh: false },
  'memory-cache': { label: 'memory store, blacklist.cache', store: 'memory', cache: true, refresh: false },
  'redis': { label: 'Redis store', store: 'redis', cache: false, refresh: false },
  'redis-pipe': { label: 'Redis store, ioredis auto-pipelining', store: 'redis-pipe', cache: false, refresh: false },
  'redis-cache': { label: 'Redis store, blacklist.cache', store: 'redis', cache: true, refresh: false },
  'refresh-memory': { label: 'refresh (pair mode), memory store', store: 'memory', cache: false, refresh: true },
  'refresh-redis': { label: 'refresh (pair mode), Redis store', store: 'redis', cache: false, refresh: true },
  'refresh-redis-pipe': { label: 'refresh (pair mode), Redis store, auto-pipelining', store: 'redis-pipe', cache: false, refresh: true },
} as const;
export type StoreAppId = keyof typeof STORE_APPS;

const USER = { id: '1', username: 'alice' };

/** Calls this process sent Redis (the store calls ioredis through `call` only): GET /usage reads it. */
let redisCalls = 0;

/** The client, counting its `call`s: each one is a round trip (or a share of a pipeline's). */
function counting(client: Redis): Redis {
  const call = client.call.bind(client) as (...args: unknown[]) => Promise<unknown>;
  return new Proxy(client, {
    get: (target, name, receiver) => (name === 'call' ? (...args: unknown[]) => { redisCalls++; return call(...args); } : Reflect.get(target, name, receiver)),
  });
}

function storeConfig(id: StoreAppId): Partial<KoaJwtConfig> {
  const { store, refresh } = STORE_APPS[id];
  const config: Partial<KoaJwtConfig> = {};
  if (store !== 'memory') {
    const client = new Redis(process.env.BENCH_REDIS_URL!, { enableAutoPipelining: store === 'redis-pipe' });
    // Each app its own prefix: the apps share one server, never a key.
    config.store = redisStore(counting(client), { prefix: `${process.env.BENCH_REDIS_PREFIX ?? 'koa-jwt-kit-bench-'}${id}:` });
  }
  if (refresh) {
    config.refresh = { pair: true };
    // The default limit (300 refreshes a minute per address) would refuse the one load
    // generator's address within a second; a raised limit keeps the counter write every
    // refresh pays, as in production.
    config.throttle = { refresh: { limit: 1_000_000_000, window: 60 } };
  }
  return config;
}

async function start(id: StoreAppId, fixture: Fixture): Promise<number> {
  const auth = makeAuth('HS256', fixture, { blacklistCache: STORE_APPS[id].cache, config: storeConfig(id) });
  const app = new Koa();
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== '/usage') return next();
    const { user, system } = process.cpuUsage();
    ctx.body = { calls: redisCalls, cpuMicros: user + system };
  });
  if (STORE_APPS[id].refresh) {
    // A new family for the load generator's chains: its refresh token is recorded in this app's store.
    app.use(async (ctx, next) => {
      if (ctx.method !== 'POST' || ctx.path !== '/seed') return next();
      ctx.body = { refresh: (await auth.issue(USER)).refresh };
    });
    app.use(auth.router({ routes: ['refresh'] }).routes());
  } else {
    app.use(auth as never);
    app.use((ctx) => {
      ctx.body = 'ok';
    });
  }
  const server = app.listen(0, '127.0.0.1');
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

const isMain = process.argv[1]?.endsWith('stores/server.ts');
if (isMain) {
  const id = process.argv[2] as StoreAppId;
  if (!(id in STORE_APPS)) throw new Error(`unknown store app ${id}`);
  const fixture = JSON.parse(process.env.BENCH_FIXTURE ?? '') as Fixture;
  process.stdout.write(`READY ${await start(id, fixture)}\n`);
}
