import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { KoaJwtError } from '../../lib/errors.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testConfig } from '../helpers/app.js';
import { failingStore } from '../helpers/failing-store.js';
import { cookiesOf } from '../helpers/pair-fixture.js';

// errors: 'throw' — koa-jwt's convention: authentication failures reach the app's own error
// middleware as errors carrying status, expose, headers, code and body.

interface Seen { status: number; code: string; expose: boolean; headers: Record<string, unknown>; body: Record<string, unknown> }

function appWithHandler(config: KoaJwtConfig) {
  const auth = koaJwt({ ...config, errors: 'throw' });
  const app = new Koa();
  app.silent = true;
  const seen: Seen[] = [];
  // The app's own error middleware, upstream of everything: reformats what it catches.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof KoaJwtError)) throw err;
      seen.push({ status: err.status, code: err.code, expose: err.expose, headers: err.headers, body: err.body });
      ctx.status = err.status;
      ctx.set(err.headers);
      ctx.body = { message: err.body.error_description, kind: err.code };
    }
  });
  app.use(auth.router({ prefix: '/auth' }).routes());
  app.use(auth);
  app.use((ctx) => { ctx.body = { user: ctx.state.user }; });
  return { auth, seen, request: supertest(app.callback()) };
}

describe("errors: 'throw'", () => {
  it('hands a missing token to the upstream handler as status 401, code credentials_required', async () => {
    const { seen, request } = appWithHandler(testConfig());
    const res = await request.get('/me').expect(401);
    expect(res.body).to.deep.equal({ message: 'Authentication credentials were not provided.', kind: 'credentials_required' });
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({ status: 401, code: 'credentials_required', expose: true });
    expect(seen[0]!.headers).to.deep.equal({ 'WWW-Authenticate': 'Bearer realm="api"' });
    expect(seen[0]!.body).to.deep.equal({ error: 'credentials_required', error_description: 'Authentication credentials were not provided.' });
  });

  it('challenges with the configured header.prefix as the scheme', async () => {
    const { auth, seen, request } = appWithHandler(testConfig({ header: { prefix: 'JWT' } }));
    const { token } = await auth.issue({ id: '1', username: 'alice' });
    const res = await request.get('/me').set('Authorization', `JWT ${token}x`).expect(401);
    expect(res.headers['www-authenticate']).to.match(/^JWT realm="api", error="invalid_token"/);
    expect(seen[0]!.code).to.equal('token_invalid');
  });

  it('throws the failures of the token routes too: 400 with the fields named, 401 for bad credentials', async () => {
    const { seen, request } = appWithHandler(testConfig());
    await request.post('/auth/token').send({ username: 'alice' }).expect(400);
    await request.post('/auth/token').send({ username: 'alice', password: 'wrong' }).expect(401);
    expect(seen.map((s) => [s.status, s.code])).to.deep.equal([[400, 'invalid_request'], [401, 'invalid_credentials']]);
    expect(seen[0]!.body.fields).to.deep.equal({ password: 'This field is required.' });
  });

  it('hands over the Set-Cookie that drops a refresh cookie with the error: Koa\'s error handling would drop it otherwise', async () => {
    const { seen, request } = appWithHandler(testConfig({ refresh: { pair: true, cookie: 'refresh_token' } }));
    const first = await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }).expect(201);
    const csrf = cookiesOf(first).get('refresh_token_csrf')!.value;
    const cookie = `refresh_token=${cookiesOf(first).get('refresh_token')!.value}; refresh_token_csrf=${csrf}`;
    await request.post('/auth/token/refresh').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(201);
    const reused = await request.post('/auth/token/refresh').set('Cookie', cookie).set('X-CSRF-Token', csrf).expect(401);
    expect(seen.map((s) => s.code)).to.deep.equal(['token_reused']);
    const handedOver = ([] as string[]).concat(seen[0]!.headers['Set-Cookie'] as string[]);
    expect(handedOver.some((line) => /^refresh_token=;/.test(line) && /expires=Thu, 01 Jan 1970/i.test(line)), handedOver.join(' | ')).to.equal(true);
    expect(cookiesOf(reused).get('refresh_token')!.value).to.equal('');
  });

  it('carries Retry-After on a 503 when the store is down', async () => {
    const failing = failingStore({ timeout: 50 });
    const { auth, seen, request } = appWithHandler(testConfig({ store: failing.store }));
    const { token } = await auth.issue({ id: '1', username: 'alice' });
    failing.fail('reject');
    const res = await request.get('/me').set('Authorization', `Bearer ${token}`).expect(503);
    expect(res.headers['retry-after']).to.equal('1');
    expect(seen[0]).to.deep.include({ status: 503, code: 'temporarily_unavailable' });
  });

  it('answers the right status through Koa\'s default error handler when the app has none', async () => {
    const auth = koaJwt({ ...testConfig(), errors: 'throw' });
    const app = new Koa();
    app.silent = true;
    app.use(auth);
    const res = await supertest(app.callback()).get('/me').set('Authorization', 'Bearer not.a.token').expect(401);
    expect(res.headers['www-authenticate']).to.match(/^Bearer realm="api", error="invalid_token"/);
    // An exposed error: Koa's default handler shows its message.
    expect(res.text).to.match(/token/i);
  });

  it("answers the JSON contract itself with errors: 'respond' (the default), and the upstream handler sees nothing", async () => {
    const auth = koaJwt(testConfig({ header: { prefix: 'JWT' } }));
    const app = new Koa();
    let caught = 0;
    app.use(async (_ctx, next) => { try { await next(); } catch (err) { caught++; throw err; } });
    app.use(auth);
    const res = await supertest(app.callback()).get('/me').expect(401);
    expect(res.body).to.deep.equal({ error: 'credentials_required', error_description: 'Authentication credentials were not provided.' });
    expect(res.headers['www-authenticate']).to.equal('JWT realm="api"');
    expect(caught).to.equal(0);
  });
});
