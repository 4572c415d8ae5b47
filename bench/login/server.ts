import { randomBytes } from 'node:crypto';
import Koa from 'koa';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { memoryUsers } from '../../lib/users/memory-users.js';

// The login-flood benchmark's service, one per process: `tsx bench/login/server.ts <scenario>`.
// Token routes under /auth, a protected GET /me, app.proxy on (the flood sends X-Forwarded-For).
// Prints "READY <port>" once it listens on 127.0.0.1.

/** How the service is configured in each scenario. */
export const SCENARIOS = {
  'default': 'koa-jwt-kit defaults: throttle on, hashing bounded (the thread pool\'s size, at most the cores less one)',
  'pool-size': 'defaults, but hashing.concurrency = the thread pool\'s size (4), queue 8: hashing may take every core',
  'unbounded': 'throttle: false, hashing unbounded: every login starts its hash at once (the thread pool queues the pile)',
} as const;
export type Scenario = keyof typeof SCENARIOS;

// Written out rather than imported, so that this script also runs against an older lib/ (--baseline).
const threadPoolSize = () => Number(process.env.UV_THREADPOOL_SIZE) || 4;

function config(scenario: Scenario): KoaJwtConfig {
  const base: KoaJwtConfig = {
    keys: { secret: randomBytes(32).toString('base64url') },
    users: memoryUsers([{ id: '1', username: 'alice', password: 'alice-password' }]),
  };
  if (scenario === 'pool-size') return { ...base, hashing: { concurrency: threadPoolSize(), queue: 2 * threadPoolSize() } };
  if (scenario === 'unbounded') return { ...base, throttle: false, hashing: { concurrency: 1024, queue: 100_000, maxWait: '1h' } };
  return base;
}

const isMain = process.argv[1]?.endsWith('server.ts');
if (isMain) {
  const scenario = process.argv[2] as Scenario;
  if (!(scenario in SCENARIOS)) throw new Error(`unknown scenario ${scenario}`);
  const auth = koaJwt(config(scenario));
  const app = new Koa({ proxy: true });
  app.use(auth.router({ prefix: '/auth' }).routes());
  app.use(auth);
  app.use((ctx) => {
    ctx.body = { user: ctx.state.user.username };
  });
  app.silent = true;
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
  server.keepAliveTimeout = 60_000;
}
