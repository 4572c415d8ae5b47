import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import { type JwtState, type KoaJwt, koaJwt, memoryUsers } from '../../lib/index.js';
import { type Listening, listen } from '../helpers/listen.js';
import { decode } from '../helpers/tokens.js';
import { readmeCurlLines } from './readme-curl.js';
import { hasCurl } from '../helpers/curl.js';

// README.md's pair-mode recipe, run as printed against the service the README builds: its
// complete service with the pair-mode config of that section. (The single-token recipe runs
// against the demo, in spec/example/demo.spec.ts.)

describe("README.md's pair-mode curl lines", function () {
  this.timeout(30_000);
  let auth: KoaJwt;
  let service: Listening;

  before(async function () {
    if (!hasCurl()) {
      console.log('      skipped: curl is not installed on this machine');
      this.skip();
    }
    auth = koaJwt({
      keys: { secret: 'Yq3vN8s1Lr0pW2nCXk3v9QaBt6mZ4hJd' },
      users: memoryUsers([{ id: '1', username: 'admin', password: 'password123', isSuperuser: true }]),
      token: { expiresIn: '5m' },
      refresh: { expiresIn: '30d', pair: { expiresIn: '1d', sliding: true } },
    });
    const app = new Koa<JwtState>();
    app.silent = true;
    const publicRoutes = new Router<JwtState>();
    publicRoutes.use('/auth', auth.router().routes());
    app.use(publicRoutes.routes());
    app.use(auth.jwks());
    app.use(auth);
    const api = new Router<JwtState>();
    api.get('/me', (ctx) => { ctx.body = ctx.state.user; });
    app.use(api.routes());
    service = await listen(app.callback());
  });
  after(async () => {
    await service?.close();
    await auth?.close();
  });

  it('log in, call, refresh, log out, and the last refresh token is refused', async function () {
    const port = new URL(service.origin).port;
    const lines = readmeCurlLines('pair-curl').map((l) => l.replaceAll('http://localhost:3000', `http://127.0.0.1:${port}`));
    expect(lines.join('\n')).not.to.include('localhost:3000');
    // Asynchronous: the service answers from this very process.
    const { stdout: out } = await promisify(execFile)('bash', ['-c', `set -e\n${lines.join('\n')}`], { encoding: 'utf8', timeout: 15_000 });
    const [login, me, refreshed, revoked, refused] = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(login).to.have.keys('token', 'refresh');
    expect(me).to.include({ id: '1', username: 'admin' });
    expect(refreshed).to.have.keys('token', 'refresh');
    expect(refreshed!.refresh).not.to.equal(login!.refresh);
    expect(revoked!.token_id).to.equal(decode(login!.refresh).payload.jti);
    expect(refused).to.include({ error: 'token_revoked' });
  });
});
