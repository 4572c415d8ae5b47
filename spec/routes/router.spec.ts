import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testConfig } from '../helpers/app.js';

// auth.router({ routes }): a team mounts only the token routes it wants public.

const mounted = (router: { stack: readonly { path: unknown }[] }) =>
  router.stack.map((layer) => String(layer.path)).sort();

describe('auth.router()', () => {
  it('mounts every route the config supports by default', () => {
    const auth = koaJwt(testConfig({ userSecrets: true }));
    expect(mounted(auth.router())).to.deep.equal(['/token', '/token/blacklist', '/token/impersonate', '/token/logout-all', '/token/refresh', '/token/verify']);
  });

  it('leaves out logout-all without userSecrets, and impersonate on a verify-only service', () => {
    expect(mounted(koaJwt(testConfig()).router())).to.not.include('/token/logout-all');
    const verifyOnly = koaJwt({ keys: { algorithm: 'HS256', jwksUri: 'https://issuer.example/.well-known/jwks.json' } } as never);
    expect(mounted(verifyOnly.router())).to.not.include('/token/impersonate');
    void verifyOnly.close();
  });

  it('mounts only the routes named in routes', () => {
    const auth = koaJwt(testConfig());
    expect(mounted(auth.router({ routes: ['obtain', 'refresh', 'blacklist'] }))).to.deep.equal(['/token', '/token/blacklist', '/token/refresh']);
    expect(mounted(auth.router({ routes: ['verify'], paths: { verify: '/check' } }))).to.deep.equal(['/check']);
  });

  it('refuses a route name it does not know, and a named route the config cannot offer, naming router.routes', () => {
    const auth = koaJwt(testConfig());
    const unknown = (() => { try { auth.router({ routes: ['obtain', 'login' as never] }); } catch (err) { return err; } })();
    expect(unknown).to.be.instanceOf(ConfigError).and.include({ path: 'router.routes' });
    expect((unknown as Error).message).to.match(/unknown route "login"/);
    const unavailable = (() => { try { auth.router({ routes: ['logoutAll'] }); } catch (err) { return err; } })();
    expect(unavailable).to.be.instanceOf(ConfigError);
    expect((unavailable as Error).message).to.equal('router.routes: logoutAll: logout-all needs userSecrets: true');
  });
});
