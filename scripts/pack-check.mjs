// What a new user gets from `npm install koa-jwt-kit koa @koa/router`: packs this repository,
// installs the tarball into scratch projects (ESM and CommonJS; Koa 2 with @koa/router 12, and
// Koa 3 with @koa/router 15) from the npm registry, runs a token round trip through HTTP, checks
// that mongoose is not loaded, and type-checks a TypeScript consumer with skipLibCheck off.
// Not part of `npm test` (it needs the registry): `npm run check:pack`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-pack-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const tarball = join(work, run('npm', ['pack', '--pack-destination', work, '--silent'], root).trim().split('\n').pop());
console.log(`packed ${tarball}`);

const probe = (load) => `${load}
const auth = koaJwt({ keys: { secret: 'pack-check-' + 'x7Qp2Lr9Zt4Wb8Nc5Vd1Ke6Hm3Jf0Gs' }, users: memoryUsers([{ id: '1', username: 'ada', password: 'lovelace-1815' }]) });
const app = new Koa();
const router = new Router();
router.use('/auth', auth.router().routes());
app.use(router.routes());
app.use(auth);
app.use((ctx) => { ctx.body = { user: ctx.state.user.username }; });
const server = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  const login = await fetch(base + '/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', password: 'lovelace-1815' }) });
  const { token } = await login.json();
  const me = await (await fetch(base + '/me', { headers: { authorization: 'Bearer ' + token } })).json();
  const mongoose = Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/]mongoose[\\\\/]/.test(f));
  console.log(JSON.stringify({ login: login.status, me, mongoose }));
  server.close();
  await auth.close();
});
`;

const esm = probe("import Koa from 'koa';\nimport Router from '@koa/router';\nimport { createRequire } from 'node:module';\nimport { koaJwt, memoryUsers } from 'koa-jwt-kit';\nconst require = createRequire(import.meta.url);");
const cjs = probe("const Koa = require('koa');\nconst Router = require('@koa/router');\nconst { koaJwt, memoryUsers } = require('koa-jwt-kit');");
const ts = `import Koa from 'koa';
import { koaJwt, memoryUsers, TokenExpiredError, type JwtState, type KoaJwtConfig } from 'koa-jwt-kit';
const config: KoaJwtConfig = { keys: { secret: process.env.JWT_SECRET! }, users: memoryUsers([{ id: '1', username: 'ada', password: 'pw' }]), errors: 'throw' };
const auth = koaJwt(config);
const app = new Koa<JwtState>();
app.use(auth.router({ routes: ['obtain', 'refresh'] }).routes());
app.use(auth);
app.use((ctx) => { ctx.body = ctx.state.user?.username; });
export const isExpired = (e: unknown): boolean => e instanceof TokenExpiredError && e.status === 401;
`;

const matrix = [
  { name: 'koa 2 + @koa/router 12', deps: ['koa@2', '@koa/router@12'], typescript: false },
  { name: 'koa 3 + @koa/router 15', deps: ['koa@3', '@koa/router@15'], typescript: true },
];
let failed = 0;
for (const { name, deps, typescript } of matrix) {
  const dir = join(work, name.replace(/[^a-z0-9]+/gi, '-'));
  run('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  // The README's install line, with the tarball standing for the published package.
  run('npm', ['install', '--no-audit', '--no-fund', tarball, ...deps, ...(typescript ? ['typescript@5'] : [])], dir);
  writeFileSync(join(dir, 'esm.mjs'), esm);
  writeFileSync(join(dir, 'cjs.cjs'), cjs);
  for (const file of ['esm.mjs', 'cjs.cjs']) {
    const out = JSON.parse(run(process.execPath, [file], dir));
    const ok = out.login === 201 && out.me.user === 'ada' && out.mongoose === false;
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}, ${file}: ${JSON.stringify(out)}`);
  }
  if (typescript) {
    writeFileSync(join(dir, 'app.mts'), ts);
    writeFileSync(join(dir, 'app.cts'), ts);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['app.mts', 'app.cts'] }));
    try {
      run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], dir);
      console.log(`ok   ${name}: TypeScript consumer type-checks with skipLibCheck off`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name}: TypeScript\n${err.stdout}`);
    }
  }
}
rmSync(work, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
