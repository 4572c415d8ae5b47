import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { ConfigError } from '../../lib/errors.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { buildApp, testConfig } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';
import { decode } from '../helpers/tokens.js';

// auth.router({ routes }): a team mounts only the token routes it wants public.

const mounted = (router: { stack: readonly { path: unknown; methods: readonly string[] }[] }) =>
  router.stack.map((layer) => `${layer.methods.filter((m) => m !== 'HEAD').join(',')} ${String(layer.path)}`).sort();
const ALL = ['/token', '/token/blacklist', '/token/impersonate', '/token/logout-all', '/token/refresh', '/token/verify'];
const posts = (paths: readonly string[]) => paths.map((path) => `POST ${path}`);
const ALICE = { id: '1', username: 'alice' };
const ROOT = { id: '3', username: 'root', isSuperuser: true };
const bearer = (token: string) => `Bearer ${token}`;

describe('auth.router()', () => {
  const opened: KoaJwt[] = [];
  afterEach(async () => { await Promise.all(opened.splice(0).map((auth) => auth.close())); });
  const open = (config: KoaJwtConfig) => { const auth = koaJwt(config); opened.push(auth); return auth; };
  const verifyOnly = () => open({ keys: { algorithm: 'ES256', publicKey: keyPair('P-256').publicPem } });

  describe('which routes it mounts', () => {
    it('mounts every route the config supports by default, each for POST only', () => {
      expect(mounted(open(testConfig({ userSecrets: true })).router())).to.deep.equal(posts(ALL));
    });

    it('leaves out logout-all without userSecrets: true, in single-token and pair mode', () => {
      const without = posts(ALL.filter((path) => path !== '/token/logout-all'));
      expect(mounted(open(testConfig()).router())).to.deep.equal(without);
      expect(mounted(open(testConfig({ refresh: { pair: true } })).router())).to.deep.equal(without);
      expect(mounted(open(testConfig({ refresh: { pair: true }, userSecrets: true })).router())).to.deep.equal(posts(ALL));
      expect(mounted(open(testConfig({ userSecrets: () => 'a-per-user-secret-of-at-least-32-bytes!' })).router())).to.deep.equal(without);
    });

    it('mounts obtain and impersonate on a verify-only service (they answer 404 not_available), but not logout-all', () => {
      const without = posts(ALL.filter((path) => path !== '/token/logout-all'));
      expect(mounted(verifyOnly().router())).to.deep.equal(without);
      expect(mounted(open({ keys: { algorithm: 'ES256', jwksUri: 'https://issuer.example/.well-known/jwks.json' } }).router())).to.deep.equal(without);
    });

    it('mounts only the routes named in routes, at the paths given', () => {
      const auth = open(testConfig());
      expect(mounted(auth.router({ routes: ['obtain', 'refresh', 'blacklist'] }))).to.deep.equal(posts(['/token', '/token/blacklist', '/token/refresh']));
      expect(mounted(auth.router({ routes: ['verify'], paths: { verify: '/check' } }))).to.deep.equal(['POST /check']);
      expect(mounted(auth.router({ routes: [] }))).to.deep.equal([]);
      expect(mounted(auth.router({ prefix: '/auth', routes: ['impersonate'] }))).to.deep.equal(['POST /auth/token/impersonate']);
    });

    it('refuses a route name it does not know, and a named route the config cannot offer, naming router.routes', () => {
      const auth = open(testConfig());
      const unknown = (() => { try { auth.router({ routes: ['obtain', 'login' as never] }); } catch (err) { return err; } })();
      expect(unknown).to.be.instanceOf(ConfigError).and.include({ path: 'router.routes' });
      expect((unknown as Error).message).to.match(/unknown route "login"/);
      const inherited = (() => { try { auth.router({ routes: ['toString' as never] }); } catch (err) { return err; } })();
      expect(inherited).to.be.instanceOf(ConfigError).and.include({ path: 'router.routes' });
      const unavailable = (() => { try { auth.router({ routes: ['logoutAll'] }); } catch (err) { return err; } })();
      expect(unavailable).to.be.instanceOf(ConfigError);
      expect((unavailable as Error).message).to.equal('router.routes: logoutAll: logout-all needs userSecrets: true');
      const notAList = (() => { try { auth.router({ routes: 'obtain' as never }); } catch (err) { return err; } })();
      expect(notAList).to.be.instanceOf(ConfigError).and.include({ path: 'router.routes' });
      expect((notAList as Error).message).to.match(/expected a list of route names/);
    });
  });

  // Each path answers with what only its own route answers, so that a route table that hands a
  // path another route's handler (or another route's paths) fails here.
  describe('what each route answers', () => {
    it('in single-token mode', async () => {
      const { request, auth } = buildApp({ userSecrets: true });
      opened.push(auth);
      const obtained = await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }).expect(201);
      expect(obtained.body).to.have.keys('token');
      const token = obtained.body.token as string;
      const refreshed = await request.post('/auth/token/refresh').send({ token }).expect(201);
      expect(decode(refreshed.body.token).payload).to.include({ orig_jti: decode(token).payload.jti, user_id: '1' });
      const verified = await request.post('/auth/token/verify').send({ token }).expect(200);
      expect(verified.body).to.deep.equal({ token, payload: decode(token).payload });
      const { token: admin } = await auth.issue(ROOT);
      const impersonated = await request.post('/auth/token/impersonate').set('Authorization', bearer(admin)).send({ user: '1' }).expect(201);
      expect(decode(impersonated.body.token).payload).to.include({ user_id: '1' }).and.have.deep.property('act', { sub: '3' });
      const revoked = await request.post('/auth/token/blacklist').send({ token }).expect(201);
      expect(revoked.body).to.deep.equal({ token_id: decode(token).payload.jti });
      const { token: own } = await auth.issue(ALICE);
      await request.post('/auth/token/logout-all').set('Authorization', bearer(own)).expect(204);
      expect((await request.post('/auth/token/verify').send({ token: own }).expect(401)).body.error).to.equal('token_invalid');
    });

    it('in pair mode', async () => {
      const { request, auth } = buildApp({ refresh: { pair: true } });
      opened.push(auth);
      const obtained = await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }).expect(201);
      expect(obtained.body).to.have.keys('token', 'refresh');
      const { token, refresh } = obtained.body as { token: string; refresh: string };
      const refreshed = await request.post('/auth/token/refresh').send({ refresh }).expect(201);
      expect(refreshed.body).to.have.keys('token', 'refresh');
      expect(decode(refreshed.body.refresh).payload).to.include({ token_type: 'refresh', orig_jti: decode(refresh).payload.jti });
      expect((await request.post('/auth/token/verify').send({ token }).expect(200)).body.payload).to.include({ token_type: 'access' });
      const { token: admin } = await auth.issue(ROOT);
      const impersonated = await request.post('/auth/token/impersonate').set('Authorization', bearer(admin)).send({ user: '1' }).expect(201);
      expect(decode(impersonated.body.token).payload).to.include({ token_type: 'access' }).and.have.deep.property('act', { sub: '3' });
      const revoked = await request.post('/auth/token/blacklist').send({ refresh: refreshed.body.refresh }).expect(201);
      // A refresh token is revoked with its family: the answer names the family.
      expect(revoked.body).to.deep.equal({ token_id: decode(refresh).payload.jti });
    });

    it('on a verify-only service', async () => {
      const keys = keyPair('P-256');
      const issuer = open(testConfig({ keys: { algorithm: 'ES256', privateKey: keys.privatePem } }));
      const { request, auth } = buildApp({}, { config: { keys: { algorithm: 'ES256', publicKey: keys.publicPem } } });
      opened.push(auth);
      const { token } = await issuer.issue(ROOT);
      const login = await request.post('/auth/token').send({ username: 'root', password: 'root-password' }).expect(404);
      expect(login.body).to.include({ error: 'not_available', error_description: 'This service only verifies tokens: it has no users to log in.' });
      const impersonate = await request.post('/auth/token/impersonate').set('Authorization', bearer(token)).send({ user: '1' }).expect(404);
      expect(impersonate.body).to.include({ error: 'not_available', error_description: 'This service only verifies tokens: it has no users to impersonate.' });
      expect((await request.post('/auth/token/verify').send({ token }).expect(200)).body.payload).to.include({ user_id: '3' });
      expect((await request.post('/auth/token/blacklist').send({ token }).expect(201)).body).to.deep.equal({ token_id: decode(token).payload.jti });
    });

    it('at the paths given, and nothing at the default paths they replace', async () => {
      const app = new Koa();
      app.use(open(testConfig()).router({ paths: { obtain: '/login', verify: '/check' } }).routes());
      const moved = supertest(app.callback());
      const { token } = (await moved.post('/login').send({ username: 'alice', password: 'alice-password' }).expect(201)).body as { token: string };
      expect((await moved.post('/check').send({ token }).expect(200)).body.token).to.equal(token);
      await moved.post('/token').send({ username: 'alice', password: 'alice-password' }).expect(404);
      await moved.post('/token/verify').send({ token }).expect(404);
    });
  });
});
