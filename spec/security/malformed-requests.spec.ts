import { expect } from 'chai';
import Koa from 'koa';
import supertest, { type Response } from 'supertest';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testConfig } from '../helpers/app.js';

// Every token route (whatever auth.router() installs) and the JWKS, fed requests that are not
// what they expect. The answer is a 4xx with a clear code — never a 500, never a hang (the
// mocha timeout would catch one).
describe('attack: malformed requests to every route', function () {
  const auth = koaJwt(testConfig({ userSecrets: true, impersonation: { cookie: 'impersonate' } }));
  const router = auth.router({ prefix: '/auth' });
  const app = new Koa();
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(auth.jwks());
  app.silent = true;
  const request = supertest(app.callback());
  const routes = [...new Set(router.stack.filter((layer) => layer.methods.includes('POST')).map((layer) => String(layer.path)))];

  const expect4xx = (res: Response, what: string) => {
    expect(res.status, `${what}: ${res.status} ${res.text}`).to.be.within(400, 499);
    expect(res.body.error, `${what}: a clear code`).to.be.a('string').and.match(/^[a-z_]+$/);
  };

  it('covers the routes the router installs (at least obtain, refresh, verify)', function () {
    expect(routes).to.include.members(['/auth/token', '/auth/token/refresh', '/auth/token/verify']);
  });

  const bodies: Array<[string, (path: string) => supertest.Test]> = [
    ['a wrong content type (text/plain)', (p) => request.post(p).set('Content-Type', 'text/plain').send('username=alice&password=x')],
    ['a wrong content type (application/xml)', (p) => request.post(p).set('Content-Type', 'application/xml').send('<token>x</token>')],
    ['invalid JSON', (p) => request.post(p).set('Content-Type', 'application/json').send('{"username": "alice", ')],
    ['JSON that is a bare string', (p) => request.post(p).set('Content-Type', 'application/json').send('"token"')],
    ['JSON null', (p) => request.post(p).set('Content-Type', 'application/json').send('null')],
    ['a JSON array', (p) => request.post(p).send([{ username: 'alice', password: 'alice-password', token: 'x' }])],
    ['non-string fields', (p) => request.post(p).send({ username: 1, password: { $ne: null }, token: ['a'], refresh: 1, user: { $gt: '' } })],
    ['empty strings', (p) => request.post(p).send({ username: '', password: '', token: '', refresh: '', user: '' })],
    ['unknown fields only', (p) => request.post(p).send({ foo: 'bar', constructor: { prototype: { x: 1 } } })],
    ['a __proto__ body', (p) => request.post(p).set('Content-Type', 'application/json').send('{"__proto__":{"username":"alice","password":"alice-password","token":"x"}}')],
    ['a form with repeated fields (arrays)', (p) => request.post(p).type('form').send('username=alice&username=root&password=a&password=b&token=a&token=b')],
    ['a huge JSON body (1 MB)', (p) => request.post(p).send({ username: 'alice', password: 'x'.repeat(1 << 20), token: 'x' })],
    ['a huge form body (1 MB)', (p) => request.post(p).type('form').send(`token=${'x'.repeat(1 << 20)}`)],
    ['a deeply nested JSON body', (p) => request.post(p).set('Content-Type', 'application/json').send(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
    ['a wrong charset', (p) => request.post(p).set('Content-Type', 'application/json; charset=utf-7').send('{"token":"x"}')],
  ];

  for (const [name, send] of bodies) {
    it(`answers ${name} with a 4xx and a code on every route`, async function () {
      for (const path of routes) expect4xx(await send(path), `${path} ${name}`);
    });
  }

  it('answers a huge body with 413 payload_too_large on the routes that read it first (obtain, refresh, verify)', async function () {
    for (const path of ['/auth/token', '/auth/token/refresh', '/auth/token/verify']) {
      const res = await request.post(path).send({ token: 'x'.repeat(64 * 1024) });
      expect(res.status, path).to.equal(413);
      expect(res.body.error).to.equal('payload_too_large');
    }
  });

  it('answers a body that is neither JSON nor a form with 415 unsupported_media_type on every route', async function () {
    // The caller is authenticated, so that the routes that need a caller (impersonate, blacklist) get to the body.
    const { token } = await auth.issue({ id: '3', username: 'root', isSuperuser: true });
    const post = (p: string) => request.post(p).set('Authorization', `Bearer ${token}`);
    const sends: Array<[string, (p: string) => supertest.Test]> = [
      ['text/plain', (p) => post(p).set('Content-Type', 'text/plain').send('username=alice&password=alice-password')],
      ['application/xml', (p) => post(p).set('Content-Type', 'application/xml').send('<token>x</token>')],
      ['multipart/form-data', (p) => post(p).field('username', 'alice').field('password', 'alice-password')],
      ['no Content-Type', (p) => post(p).set('Content-Type', '').send(Buffer.from('username=alice'))],
    ];
    // logout-all reads no body: it logs the caller out whatever is sent.
    for (const [type, send] of sends) {
      for (const path of routes.filter((p) => !p.endsWith('/logout-all'))) {
        const res = await send(path);
        expect(res.status, `${path} ${type}: ${res.text}`).to.equal(415);
        expect(res.body.error).to.equal('unsupported_media_type');
      }
    }
    // An empty POST (Content-Length: 0) is no body at all, not a wrong one.
    expect((await request.post('/auth/token').set('Content-Length', '0')).status).to.equal(400);
  });

  it('answers invalid JSON with 400 invalid_request on obtain, refresh and verify', async function () {
    for (const path of ['/auth/token', '/auth/token/refresh', '/auth/token/verify']) {
      const res = await request.post(path).set('Content-Type', 'application/json').send('{');
      expect(res.status, path).to.equal(400);
      expect(res.body.error).to.equal('invalid_request');
    }
  });

  it('answers other methods on the token routes with 405 and on the JWKS with 405 method_not_allowed', async function () {
    for (const path of routes) expect((await request.put(path).send({})).status, path).to.equal(405);
    const res = await request.post('/.well-known/jwks.json').send({});
    expect(res.status).to.equal(405);
    expect(res.body.error).to.equal('method_not_allowed');
  });

  it('serves the JWKS to GET whatever the body or content type', async function () {
    const res = await request.get('/.well-known/jwks.json').set('Content-Type', 'application/json').send('{');
    expect(res.status).to.equal(200);
  });
});
