import { createSecretKey } from 'node:crypto';
import Koa from 'koa';
import koaJwtMiddleware from 'koa-jwt';
import { type BenchAlg, type Fixture, makeAuth } from '../setup.js';

// One app per process: `tsx bench/http/server.ts <app>` with the fixture in BENCH_FIXTURE.
// Prints "READY <port>" once it listens on 127.0.0.1.

/** The apps the HTTP benchmark compares; every one answers GET / with "ok" after its auth step. */
export const APPS = {
  'bare': 'bare Koa, HS256 header (sent, not read)',
  'bare-rs256': 'bare Koa, RS256 header',
  'bare-es256': 'bare Koa, ES256 header',
  'koa-jwt-string': 'koa-jwt, string secret',
  'koa-jwt-keyobject': 'koa-jwt, KeyObject secret',
  'ours-hs256': 'koa-jwt-kit HS256',
  'ours-hs256-cache': 'koa-jwt-kit HS256, token cache',
  'ours-hs256-revocation-cache': 'koa-jwt-kit HS256, token cache + blacklist.cache',
  'ours-rs256': 'koa-jwt-kit RS256',
  'ours-rs256-cache': 'koa-jwt-kit RS256, token cache',
  'ours-es256': 'koa-jwt-kit ES256',
  'ours-es256-cache': 'koa-jwt-kit ES256, token cache',
} as const;
export type AppId = keyof typeof APPS;

/** The algorithm of the token an app must be sent. */
export const appAlg = (id: AppId): BenchAlg => (id.includes('rs256') ? 'RS256' : id.includes('es256') ? 'ES256' : 'HS256');

function build(id: AppId, fixture: Fixture): Koa {
  const app = new Koa();
  if (id === 'koa-jwt-string') app.use(koaJwtMiddleware({ secret: fixture.secret }));
  else if (id === 'koa-jwt-keyobject') app.use(koaJwtMiddleware({ secret: createSecretKey(Buffer.from(fixture.secret)) as never }));
  else if (!id.startsWith('bare')) {
    app.use(makeAuth(appAlg(id), fixture, { cache: id.includes('cache'), blacklistCache: id.includes('revocation-cache') }) as never);
  }
  app.use((ctx) => {
    ctx.body = 'ok';
  });
  return app;
}

const isMain = process.argv[1]?.endsWith('server.ts');
if (isMain) {
  const id = process.argv[2] as AppId;
  if (!(id in APPS)) throw new Error(`unknown app ${id}`);
  const fixture = JSON.parse(process.env.BENCH_FIXTURE ?? '') as Fixture;
  const server = build(id, fixture).listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
  server.keepAliveTimeout = 60_000;
}
