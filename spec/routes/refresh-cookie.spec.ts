import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import type { RouterOptions } from '../../lib/routes/router.js';
import { buildApp, testConfig } from '../helpers/app.js';
import { cookiesOf } from '../helpers/pair-fixture.js';

// The refresh cookie is the long-lived credential: its Path must be the refresh route's, as the
// browser will request it, however the login request spelt its own path.

const ALICE = { username: 'alice', password: 'alice-password' };
const PAIR_COOKIE: KoaJwtConfig = { refresh: { pair: true, cookie: 'refresh_token' } };
/** The Path of the refresh cookie as sent (cookiesOf lowercases attributes; a Path is case-sensitive). */
const pathOf = (res: { headers: Record<string, unknown> }): string | undefined => {
  const lines = ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
  const line = lines.find((l) => l.startsWith('refresh_token='));
  return line?.match(/;\s*path=([^;]*)/i)?.[1];
};

describe('the refresh cookie', () => {
  const opened: KoaJwt[] = [];
  afterEach(async () => { await Promise.all(opened.splice(0).map((auth) => auth.close())); });

  /** The token routes of a pair-mode config with a refresh cookie, mounted by `mount`. */
  function serve(mount: (app: Koa, routes: (options?: RouterOptions) => ReturnType<Router['routes']>) => void, config: KoaJwtConfig = PAIR_COOKIE) {
    const auth = koaJwt(testConfig(config));
    opened.push(auth);
    const app = new Koa();
    app.silent = true;
    mount(app, (options) => auth.router(options).routes());
    return supertest(app.callback());
  }
  const underAuth = (options?: RouterOptions) => serve((app, routes) => { app.use(routes({ prefix: '/auth', ...options })); });

  describe('Path', () => {
    it('is the refresh route under the router prefix', async () => {
      const res = await underAuth().post('/auth/token').send(ALICE).expect(201);
      expect(pathOf(res)).to.equal('/auth/token/refresh');
    });

    it('is the same whatever the case of the login request (the router matches paths case-insensitively)', async () => {
      const request = underAuth();
      for (const spelt of ['/AUTH/TOKEN', '/Auth/Token', '/auth/TOKEN', '/AUTH/token/']) {
        const res = await request.post(spelt).send(ALICE).expect(201);
        expect(pathOf(res), spelt).to.equal('/auth/token/refresh');
      }
    });

    it('keeps the case the app gave its mount point and paths', async () => {
      const request = serve((app, routes) => {
        const outer = new Router();
        outer.use('/Api/V1', routes({ paths: { obtain: '/Login', refresh: '/Renew' } }));
        app.use(outer.routes());
      });
      const res = await request.post('/API/v1/LOGIN').send(ALICE).expect(201);
      expect(pathOf(res)).to.equal('/Api/V1/Renew');
    });

    it('follows the paths option: the refresh route, not the route that answers', async () => {
      const request = underAuth({ paths: { obtain: '/login', refresh: '/session/renew' } });
      const res = await request.post('/auth/login').send(ALICE).expect(201);
      expect(pathOf(res)).to.equal('/auth/session/renew');
    });

    it('lines up a path given with a trailing slash', async () => {
      const request = underAuth({ paths: { obtain: '/login/', refresh: '/renew/' } });
      for (const spelt of ['/auth/login/', '/AUTH/LOGIN/']) {
        const res = await request.post(spelt).send(ALICE).expect(201);
        expect(pathOf(res), spelt).to.equal('/auth/renew/');
      }
    });

    it('lines up a route at the mount point itself', async () => {
      const request = underAuth({ paths: { obtain: '/', refresh: '/refresh' } });
      for (const spelt of ['/auth', '/AUTH/']) {
        const res = await request.post(spelt).send(ALICE).expect(201);
        expect(pathOf(res), spelt).to.equal('/auth/refresh');
      }
    });

    it('is / for a route whose own path has a parameter (wider, never a wrong path)', async () => {
      const request = underAuth({ paths: { obtain: '/:realm/login' } });
      const res = await request.post('/auth/staff/login').send(ALICE).expect(201);
      expect(pathOf(res)).to.equal('/');
    });

    it('takes a parameter of the mount point from the request', async () => {
      const request = serve((app, routes) => {
        const outer = new Router();
        outer.use('/:tenant/auth', routes());
        app.use(outer.routes());
      });
      const res = await request.post('/Acme/AUTH/token').send(ALICE).expect(201);
      expect(pathOf(res)).to.equal('/Acme/auth/token/refresh');
    });

    it('keeps what a mount before the router took, as the request spelt it', async () => {
      const request = serve((app, routes) => {
        const inner = routes();
        // A koa-mount-like prefix: it matches case-sensitively and hides itself from ctx.path.
        app.use(async (ctx, next) => {
          if (!ctx.path.startsWith('/svc/')) return next();
          const whole = ctx.path;
          ctx.path = whole.slice('/svc'.length);
          try { await inner(ctx as never, next); } finally { ctx.path = whole; }
        });
      });
      const res = await request.post('/svc/TOKEN').send(ALICE).expect(201);
      expect(pathOf(res)).to.equal('/svc/token/refresh');
    });

    it('is the refresh route again when the refresh route rotates the cookie, and when a logout clears it', async () => {
      const request = underAuth();
      const first = await request.post('/auth/token').send(ALICE).expect(201);
      const refresh = cookiesOf(first).get('refresh_token')!.value;
      const rotated = await request.post('/AUTH/Token/Refresh').send({ refresh }).expect(201);
      expect(pathOf(rotated)).to.equal('/auth/token/refresh');
      const out = await request.post('/Auth/Token/Blacklist').set('Authorization', `Bearer ${rotated.body.token}`).send({}).expect(201);
      expect(cookiesOf(out).get('refresh_token')!.value).to.equal('');
      expect(pathOf(out)).to.equal('/auth/token/refresh');
    });

    it('is refresh.cookie.path when given, whatever the route', async () => {
      const fixed = serve((app, routes) => { app.use(routes({ prefix: '/auth' })); }, { refresh: { pair: true, cookie: { name: 'refresh_token', path: '/auth' } } });
      const res = await fixed.post('/AUTH/TOKEN').send(ALICE).expect(201);
      expect(pathOf(res)).to.equal('/auth');
    });
  });

  describe('Secure', () => {
    it('is set even when Koa sees plain HTTP (TLS ended at a proxy without app.proxy): 201, not a 500', async () => {
      const { request, auth } = buildApp({ refresh: { pair: true, cookie: { name: 'refresh_token', secure: true } } });
      opened.push(auth);
      const res = await request.post('/auth/token').send(ALICE).expect(201);
      const cookies = cookiesOf(res);
      expect(cookies.get('refresh_token')!.attributes).to.match(/(^|;)\s*secure(;|$)/);
      expect(cookies.get('refresh_token_csrf')!.attributes).to.match(/(^|;)\s*secure(;|$)/);
      const rotated = await request.post('/auth/token/refresh').send({ refresh: cookies.get('refresh_token')!.value }).expect(201);
      expect(cookiesOf(rotated).get('refresh_token')!.attributes).to.match(/(^|;)\s*secure(;|$)/);
    });
  });
});
