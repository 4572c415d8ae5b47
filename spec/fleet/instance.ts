// One instance of a fleet, as its own Node process: the app of spec/helpers/fleet.ts on a
// Redis store shared with its siblings. FLEET_INSTANCE (JSON) says how it is configured; it
// prints one line `{"port":…}` once it listens, and the `error` events it sees as
// `{"event":"error",…}` lines on stderr.
import Router from '@koa/router';
import { Redis } from 'ioredis';
import Koa from 'koa';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import type { JwtState } from '../../lib/middleware/authenticate.js';
import { redisStore } from '../../lib/redis.js';
import { memoryUsers } from '../../lib/users/memory-users.js';
import type { FleetInstanceOptions } from '../helpers/fleet.js';

const options = JSON.parse(process.env.FLEET_INSTANCE ?? '{}') as FleetInstanceOptions;
const client = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
client.on('error', () => { /* ioredis reconnects by itself; the store answers 503 meanwhile */ });
const store = redisStore(client, { prefix: options.prefix, timeout: options.storeTimeoutMs ?? 1000 });

const config: KoaJwtConfig = {
  store,
  token: { expiresIn: options.expiresIn ?? '5m' },
  ...(options.verifyOnly ? {} : { users: memoryUsers([{ id: '1', username: 'alice', password: 'alice-password' }]) }),
  keys: options.rotation
    ? { rotation: { algorithm: options.rotation.algorithm ?? ('ES256' as const), every: options.rotation.every, publishAhead: options.rotation.publishAhead, checkEvery: options.rotation.checkEvery, retireAfter: options.rotation.retireAfter } }
    : options.ecKeyPem
      ? (options.verifyOnly ? { algorithm: 'ES256' as const, publicKey: options.ecKeyPem.publicKey } : { algorithm: 'ES256' as const, privateKey: options.ecKeyPem.privateKey })
      : { secret: options.secret },
  ...(options.rotation ? { jwks: { maxAge: options.rotation.jwksMaxAge } } : {}),
  ...(options.pair ? { refresh: { pair: true } } : {}),
  ...(options.cacheSeconds !== undefined ? { blacklist: { cache: true, cacheSeconds: options.cacheSeconds } } : {}),
  throttle: false,
};

const auth = koaJwt(config);
auth.on('error', (event) => process.stderr.write(JSON.stringify({ event: 'error', ...event, error: String((event as { error?: unknown }).error ?? '') }) + '\n'));
const app = new Koa<JwtState>();
const router = new Router();
if (!options.verifyOnly) router.use('/auth', auth.router().routes());
app.use(router.routes());
app.use(auth.jwks());
app.use(auth);
app.use((ctx) => { ctx.body = { user: ctx.state.user?.id, kid: ctx.state.jwt?.header.kid }; });

await auth.ready().catch(() => { /* a store still down: requests answer 503 until it is back */ });
const server = app.listen(options.port ?? 0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as { port: number }).port }) + '\n');
});
process.on('SIGTERM', () => {
  server.close();
  void auth.close().finally(() => { client.disconnect(); process.exit(0); });
});
