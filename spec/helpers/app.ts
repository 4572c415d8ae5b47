import Koa from 'koa';
import supertest from 'supertest';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import type { JwtState } from '../../lib/middleware/authenticate.js';
import { memoryUsers, type MemoryUserInput } from '../../lib/users/memory-users.js';
import type { UserProvider } from '../../lib/users/provider.js';
import { SECRET } from './keys.js';

/** The users of the test apps: alice (active), bob (inactive), root (superuser). */
export const TEST_USERS: readonly MemoryUserInput[] = [
  { id: '1', username: 'alice', password: 'alice-password' },
  { id: '2', username: 'bob', password: 'bob-password', isActive: false },
  { id: '3', username: 'root', password: 'root-password', isSuperuser: true },
];

let sharedUsers: UserProvider | undefined;

/** memoryUsers(TEST_USERS), built once (hashing three passwords costs ~150 ms). */
export function testUsers(): UserProvider {
  sharedUsers ??= memoryUsers(TEST_USERS);
  return sharedUsers;
}

/** A config with the test secret and users; `overrides` replaces whole sections. */
export function testConfig(overrides: KoaJwtConfig = {}): KoaJwtConfig {
  return { keys: { secret: SECRET }, users: testUsers(), ...overrides };
}

export interface TestApp {
  readonly auth: KoaJwt;
  readonly app: Koa<JwtState>;
  /** A supertest agent bound to the app's callback (no port is opened). */
  readonly request: ReturnType<typeof supertest>;
}

/**
 * A Koa app with the token routes under /auth, and behind the required middleware
 * `GET /me` answering `{ user, jwt }` from ctx.state. `GET /maybe` is behind `auth.optional()`.
 *
 * @example
 * ```ts
 * const { request, auth } = buildApp({ token: { expiresIn: 60 } });
 * const { token } = await auth.issue({ id: '1', username: 'alice' });
 * await request.get('/me').set('Authorization', `Bearer ${token}`).expect(200);
 * ```
 */
export function buildApp(overrides: KoaJwtConfig = {}, options: { config?: KoaJwtConfig } = {}): TestApp {
  const auth = koaJwt(options.config ?? testConfig(overrides));
  const app = new Koa<JwtState>();
  const router = auth.router({ prefix: '/auth' });
  app.use(router.routes());
  app.use(async (ctx, next) => {
    if (ctx.path !== '/maybe') return next();
    await auth.optional()(ctx, async () => {
      ctx.body = { user: ctx.state.user ?? null, jwt: ctx.state.jwt ?? null };
    });
  });
  app.use(auth);
  app.use(async (ctx) => {
    if (ctx.path === '/me') ctx.body = { user: ctx.state.user, jwt: ctx.state.jwt };
  });
  // A 500 fails loudly in specs instead of hiding behind a status assertion.
  app.silent = true;
  return { auth, app, request: supertest(app.callback()) };
}
