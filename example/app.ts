import Router from '@koa/router';
import Koa from 'koa';
import { type JwtState, type KoaJwt, koaJwt, memoryUsers } from '../lib/index.js';
import { logAuditEvents } from './audit-log.js';
import { type DevKey, loadOrCreateDevKey } from './dev-keys.js';
import { spaRoutes } from './spa/serve.js';

/** The demo's seeded accounts (plain passwords: they are printed at start-up on purpose). */
export const DEMO_USERS = [
  { id: '1', username: 'admin', password: 'password123', isSuperuser: true },
  { id: '2', username: 'alice', password: 'alice-password' },
] as const;

export interface DemoOptions {
  /** Where the development key lives (created there if absent). */
  keysDir: string;
  /**
   * Serve the single-page example at `/` in pair-cookie mode: the refresh token in an HttpOnly
   * cookie, access tokens that live `accessExpiresIn` seconds (default 20, short enough to see
   * the silent refresh happen).
   */
  spa?: { accessExpiresIn?: number };
  /** Where the audit events go, one line each (server.ts: stdout). Default: not logged. */
  log?: (line: string) => void;
}

/**
 * Whether the demo runs the single-page example: `npm start -- --spa` or `SPA=1 npm start`.
 *
 * @example
 * ```ts
 * spaRequested(process.argv, process.env); // true for `SPA=1 npm start`
 * ```
 */
export function spaRequested(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--spa') || (env.SPA !== undefined && !['', '0', 'false'].includes(env.SPA));
}

/** The access lifetime of the single-page example: short, so that a silent refresh happens while you watch. */
export const SPA_ACCESS_SECONDS = 20;

export interface Demo {
  readonly app: Koa<JwtState>;
  readonly auth: KoaJwt;
  readonly key: DevKey;
}

/**
 * The demo service: token routes under /auth, the JWKS, and a protected GET /me, wired with
 * the four lines of the README. Built here and run by example/server.ts, so that specs can
 * start it in-process as well as a child process.
 *
 * @example
 * ```ts
 * const { app, auth } = buildApp({ keysDir: 'keys/dev' });
 * const server = app.listen(3000, '127.0.0.1');
 * ```
 */
export function buildApp(options: DemoOptions): Demo {
  const key = loadOrCreateDevKey(options.keysDir);
  const auth = koaJwt({
    keys: { algorithm: 'ES256', privateKey: { [key.kid]: key.pem } },
    users: memoryUsers(DEMO_USERS.map((u) => ({ ...u }))),
    ...(options.spa ? {
      token: { expiresIn: options.spa.accessExpiresIn ?? SPA_ACCESS_SECONDS },
      refresh: { pair: true, cookie: 'refresh_token' },
    } : {}),
  });
  if (options.log) logAuditEvents(auth, options.log);

  const app = new Koa<JwtState>();
  const router = new Router<JwtState>();
  if (!options.spa) {
    router.get('/', (ctx) => {
      ctx.body = {
        service: 'koa-jwt-kit demo',
        routes: ['POST /auth/token', 'POST /auth/token/refresh', 'POST /auth/token/verify', 'GET /.well-known/jwks.json', 'GET /me'],
      };
    });
  }
  router.use('/auth', auth.router().routes());
  if (options.spa) app.use(spaRoutes().routes());
  app.use(auth.jwks());
  app.use(router.routes());
  app.use(auth); // every later middleware sees ctx.state.user

  const protectedRoutes = new Router<JwtState>();
  protectedRoutes.get('/me', (ctx) => {
    ctx.body = ctx.state.user;
  });
  app.use(protectedRoutes.routes());
  app.use(protectedRoutes.allowedMethods());
  return { app, auth, key };
}
