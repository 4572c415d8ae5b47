/**
 * koa-jwt-kit/redis: the Redis store. Kept apart from the root entry so that an application
 * without Redis never loads ioredis; ioredis is an optional peer dependency, and this module
 * itself only takes the client you build.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisStore } from 'koa-jwt-kit/redis';
 * const auth = koaJwt({ keys, store: redisStore(new Redis(process.env.REDIS_URL!)) });
 * ```
 */
export { redisStore, type RedisStoreOptions } from './stores/redis/redis-store.js';
export { REDIS_PERSISTENCE_WARNING } from './stores/redis/persistence.js';
