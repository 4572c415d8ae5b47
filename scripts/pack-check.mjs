// What a new user gets from `npm install koa-jwt-kit koa @koa/router`: packs this repository,
// installs the tarball into scratch projects (ESM and CommonJS; Koa 2 with @koa/router 12, and
// Koa 3 with @koa/router 15, mongoose 8 in one and 9 in the other) from the npm registry, runs a
// token round trip through HTTP, checks that mongoose is not loaded by the main entry and that
// `koa-jwt-kit/mongoose` builds its store on either mongoose, type-checks TypeScript consumers
// with skipLibCheck off (nodenext, and node10 resolution through typesVersions), and checks that
// every relative link of the packed README, CHANGELOG and docs/ reaches a file of the tarball.
// Not part of `npm test` (it needs the registry): `npm run check:pack`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

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

// moduleResolution node10 (the default of many projects) ignores "exports": the subpaths' types
// come from package.json's typesVersions.
const node10 = `import { storeContract } from 'koa-jwt-kit/testing';
import { mongooseStore } from 'koa-jwt-kit/mongoose';
import { redisStore } from 'koa-jwt-kit/redis';
import { koaJwt, memoryStore } from 'koa-jwt-kit';
export const contract: typeof storeContract = storeContract;
export const store: typeof mongooseStore = mongooseStore;
export const redis: typeof redisStore = redisStore;
export const auth = koaJwt({ keys: { secret: process.env.JWT_SECRET! }, store: memoryStore() });
`;

// koa-jwt-kit/mongoose on the mongoose the project has: its models are built on a connection
// that is never opened (no server is needed to build them).
const mongooseProbe = `const mongoose = require('mongoose');
const { mongooseStore } = require('koa-jwt-kit/mongoose');
const store = mongooseStore(mongoose.createConnection());
console.log(JSON.stringify({ mongoose: mongoose.version.split('.')[0], parts: Object.keys(store).sort() }));
`;

const matrix = [
  { name: 'koa 2 + @koa/router 12 + mongoose 8', deps: ['koa@2', '@koa/router@12', 'mongoose@8'], mongoose: '8', typescript: false },
  { name: 'koa 3 + @koa/router 15 + mongoose 9', deps: ['koa@3', '@koa/router@15', 'mongoose@9', 'ioredis@6'], mongoose: '9', typescript: true },
];
let failed = 0;

/** Every relative link of the packed Markdown files names a file of the packed tree. */
function checkPackedLinks(dir) {
  const pages = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.name.endsWith('.md')) pages.push(path);
    }
  };
  walk(dir);
  const broken = [];
  for (const page of pages) {
    const text = readFileSync(page, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, href] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const path = href.split('#')[0];
      if (!path || /^[a-z]+:/.test(href)) continue;
      if (!existsSync(join(dirname(page), path))) broken.push(`${relative(dir, page)} → ${href}`);
    }
  }
  return { pages: pages.length, broken };
}

const unpacked = join(work, 'unpacked');
run('mkdir', ['-p', unpacked]);
run('tar', ['xzf', tarball, '-C', unpacked]);
const links = checkPackedLinks(join(unpacked, 'package'));
if (links.broken.length) failed++;
console.log(`${links.broken.length ? 'FAIL' : 'ok  '} links of ${links.pages} packed Markdown files${links.broken.length ? ':\n  ' + links.broken.join('\n  ') : ' all reach a packed file'}`);
for (const { name, deps, mongoose, typescript } of matrix) {
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
  writeFileSync(join(dir, 'mongoose.cjs'), mongooseProbe);
  const built = JSON.parse(run(process.execPath, ['mongoose.cjs'], dir));
  const storeOk = built.mongoose === mongoose && built.parts.join() === 'attempts,blacklist,refreshTokens,signingKeys,userSecrets';
  if (!storeOk) failed++;
  console.log(`${storeOk ? 'ok  ' : 'FAIL'} ${name}, koa-jwt-kit/mongoose: ${JSON.stringify(built)}`);
  if (typescript) {
    writeFileSync(join(dir, 'app.mts'), ts);
    writeFileSync(join(dir, 'app.cts'), ts);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['app.mts', 'app.cts'] }));
    writeFileSync(join(dir, 'node10.ts'), node10);
    // skipLibCheck on here: ioredis 6's own declarations import the untyped 'redis-errors'. What
    // this project checks is that node10 finds every subpath's types; the nodenext consumer
    // above checks our declarations with skipLibCheck off.
    writeFileSync(join(dir, 'tsconfig.node10.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node10', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, types: [], ignoreDeprecations: '5.0' }, files: ['node10.ts'] }));
    for (const [project, what] of [['.', 'TypeScript consumer (nodenext) type-checks with skipLibCheck off'], ['tsconfig.node10.json', 'TypeScript consumer with moduleResolution node10 finds the types of /testing, /mongoose and /redis']]) {
      try {
        run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], dir);
        console.log(`ok   ${name}: ${what}`);
      } catch (err) {
        failed++;
        console.log(`FAIL ${name}: ${what}\n${err.stdout}`);
      }
    }
  }
}
rmSync(work, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
