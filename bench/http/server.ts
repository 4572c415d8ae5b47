import { createSecretKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import fastifyJwt from '@fastify/jwt';
import express from 'express';
import { expressjwt } from 'express-jwt';
import Fastify from 'fastify';
import Koa from 'koa';
import koaJwtMiddleware from 'koa-jwt';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { type BenchAlg, type Fixture, makeAuth } from '../setup.js';

// One app per process: `tsx bench/http/server.ts <app>` with the fixture in BENCH_FIXTURE.
// Prints "READY <port>" once it listens on 127.0.0.1.

/** The apps the HTTP benchmark compares; every one answers GET / with "ok" after its auth step. */
export const APPS = {
  'bare': { label: 'bare Koa, HS256 header (sent, not read)', framework: 'koa' },
  'bare-rs256': { label: 'bare Koa, RS256 header', framework: 'koa' },
  'ours-hs256': { label: 'koa-jwt-kit HS256, default config (token cache, memoryUsers lookup)', framework: 'koa' },
  'ours-hs256-nocache': { label: 'koa-jwt-kit HS256, no cache', framework: 'koa' },
  'ours-hs256-token-lookup': { label: "koa-jwt-kit HS256, token cache, userLookup 'token'", framework: 'koa' },
  'ours-rs256': { label: 'koa-jwt-kit RS256, default config (token cache)', framework: 'koa' },
  'ours-rs256-nocache': { label: 'koa-jwt-kit RS256, no cache', framework: 'koa' },
  'koa-jwt-string': { label: 'koa-jwt, string secret', framework: 'koa' },
  'koa-jwt-keyobject': { label: 'koa-jwt, KeyObject secret', framework: 'koa' },
  'fastify-bare': { label: 'bare Fastify, HS256 header', framework: 'fastify' },
  'fastify-jwt': { label: '@fastify/jwt (onRequest jwtVerify)', framework: 'fastify' },
  'express-bare': { label: 'bare Express, HS256 header', framework: 'express' },
  'express-jwt': { label: 'express-jwt', framework: 'express' },
} as const;
export type AppId = keyof typeof APPS;

/** The algorithm of the token an app must be sent. */
export const appAlg = (id: AppId): BenchAlg => (id.includes('rs256') ? 'RS256' : 'HS256');

/** The bare app of the same framework receiving the same header: what an app's share is taken of. */
export const bareOf = (id: AppId): AppId => {
  const { framework } = APPS[id];
  if (framework === 'fastify') return 'fastify-bare';
  if (framework === 'express') return 'express-bare';
  return id.includes('rs256') ? 'bare-rs256' : 'bare';
};

const OK = 'ok';

function koaApp(id: AppId, fixture: Fixture): Koa {
  const app = new Koa();
  if (id === 'koa-jwt-string') app.use(koaJwtMiddleware({ secret: fixture.secret }));
  else if (id === 'koa-jwt-keyobject') app.use(koaJwtMiddleware({ secret: createSecretKey(Buffer.from(fixture.secret)) as never }));
  else if (id.startsWith('ours')) {
    app.use(makeAuth(appAlg(id), fixture, { cache: !id.includes('nocache'), lookup: id.includes('token-lookup') ? 'token' : 'provider' }) as never);
  }
  app.use((ctx) => {
    ctx.body = OK;
  });
  return app;
}

async function start(id: AppId, fixture: Fixture): Promise<number> {
  const { framework } = APPS[id];
  if (framework === 'fastify') {
    const app = Fastify({ logger: false });
    if (id === 'fastify-jwt') {
      await app.register(fastifyJwt, { secret: fixture.secret });
      app.addHook('onRequest', (request) => request.jwtVerify());
    }
    app.get('/', () => OK);
    await app.listen({ port: 0, host: '127.0.0.1' });
    app.server.keepAliveTimeout = 60_000;
    return (app.server.address() as AddressInfo).port;
  }
  let server: Server;
  if (framework === 'express') {
    const app = express();
    if (id === 'express-jwt') app.use(expressjwt({ secret: fixture.secret, algorithms: ['HS256'] }));
    app.get('/', (_req, res) => {
      res.send(OK);
    });
    server = app.listen(0, '127.0.0.1');
  } else {
    server = koaApp(id, fixture).listen(0, '127.0.0.1');
  }
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * bench/profile.ts: SIGUSR2 starts the CPU profiler (after the warm-up), SIGINT stops it, writes
 * the profile to `file` and exits. Only the measured load is in the profile, not the start-up.
 */
function profileOnSignal(file: string): void {
  const session = new Session();
  session.connect();
  process.once('SIGUSR2', () => {
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 100 }, () => session.post('Profiler.start')));
  });
  process.once('SIGINT', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(file, JSON.stringify(result.profile));
      process.exit(err ? 1 : 0);
    });
  });
}

const isMain = process.argv[1]?.endsWith('server.ts');
if (isMain) {
  const id = process.argv[2] as AppId;
  if (!(id in APPS)) throw new Error(`unknown app ${id}`);
  const fixture = JSON.parse(process.env.BENCH_FIXTURE ?? '') as Fixture;
  if (process.env.BENCH_PROFILE) profileOnSignal(process.env.BENCH_PROFILE);
  process.stdout.write(`READY ${await start(id, fixture)}\n`);
}
