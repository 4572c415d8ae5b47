import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';

// What another project gets from `npm install koa-jwt-kit`: the build in dist/, reached through
// package.json's exports, for `import` and for `require`, with type declarations for both.
// CI builds before it tests (.ci/run); a plain `npm test` on a fresh checkout skips this suite.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ESM = join(ROOT, 'dist/esm/index.js');
const CJS = join(ROOT, 'dist/cjs/index.js');
const BUILT = existsSync(ESM) && existsSync(CJS);
const SKIP_REASON = 'dist/ not built: run npm run build';

// The runtime exports a consumer reaches for first.
const EXPECTED = [
  'koaJwt', 'memoryUsers', 'memoryStore', 'hashPassword', 'verifyPassword',
  'KoaJwtError', 'ConfigError', 'TokenError', 'CredentialsRequiredError', 'CredentialsBadFormatError',
  'InvalidCredentialsError', 'TokenExpiredError', 'TokenNotYetValidError', 'TokenInvalidError',
  'TokenRevokedError', 'RefreshExpiredError', 'UserNotFoundError', 'AccountDisabledError',
  'InvalidRequestError', 'ForbiddenError', 'StoreUnavailableError',
] as const;

type Lib = typeof import('../../lib/index.js');

// Random (`koa-jwt-kit keys generate --secret`): a phrase would be refused as guessable.
const SECRET = 'xZ1mQh0y8GQ3gX4nKkqk2Vw9r7YbT5uFHc6dLs-aJpE';

/** Issues and verifies one token with a build, as an application would. */
async function roundTrip(lib: Lib): Promise<void> {
  const auth = lib.koaJwt({ keys: { secret: SECRET }, users: lib.memoryUsers([{ id: '1', username: 'ada', password: 'lovelace-1815' }]) });
  try {
    const { token } = await auth.issue({ id: '1', username: 'ada' });
    expect(await auth.verify(token)).to.include({ user_id: '1', username: 'ada' });
    // @koa/router and koa-bodyparser are loaded through this build's module format.
    expect(auth.router().stack.map((layer) => layer.path)).to.include('/token');
    const err = await auth.verify(`${token}x`).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(lib.TokenInvalidError);
    expect(err).to.be.instanceOf(lib.KoaJwtError);
    expect(err).to.include({ code: 'token_invalid', status: 401 });
  } finally {
    await auth.close();
  }
}

describe(BUILT ? 'the built package (dist/)' : `the built package (dist/) — skipped: ${SKIP_REASON}`, function () {
  this.timeout(60_000);

  before(function () {
    if (!BUILT) {
      console.log(`      ${SKIP_REASON}`);
      this.skip();
    }
  });

  describe('CommonJS: require(dist/cjs/index.js)', function () {
    let lib: Lib;
    before(() => { lib = createRequire(import.meta.url)(CJS) as Lib; });

    it('exports koaJwt, memoryUsers, the stores, password helpers and every error class', function () {
      for (const name of EXPECTED) expect(lib, name).to.have.property(name).that.is.a('function');
    });

    it('issues and verifies a token', async function () {
      await roundTrip(lib);
    });
  });

  describe('ES modules: import(dist/esm/index.js)', function () {
    let lib: Lib;
    before(async () => { lib = (await import(pathToFileURL(ESM).href)) as Lib; });

    it('exports koaJwt, memoryUsers, the stores, password helpers and every error class', function () {
      for (const name of EXPECTED) expect(lib, name).to.have.property(name).that.is.a('function');
    });

    it('issues and verifies a token', async function () {
      await roundTrip(lib);
    });
  });

  describe('package.json', function () {
    let pkg: { main: string; types: string; exports: Record<string, unknown>; files: string[] };
    before(() => { pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')); });

    it('points main, types and every exports target at a file of the build', function () {
      const conditions = ['.', './mongoose', './redis', './testing'].map((entry) => pkg.exports[entry] as Record<string, Record<string, string>>);
      const targets = [pkg.main, pkg.types, ...conditions.flatMap((c) => Object.values(c).flatMap((v) => Object.values(v)))];
      expect(targets).to.have.length(18);
      for (const target of targets) {
        expect(target, target).to.match(/^\.\/dist\//);
        expect(existsSync(join(ROOT, target)), `${target} exists`).to.equal(true);
      }
    });

    it('ships dist/ in the tarball', function () {
      expect(pkg.files).to.include('dist');
    });
  });

  describe("a project that installed it (node_modules/koa-jwt-kit → this folder)", function () {
    let project: string;
    before(() => {
      project = mkdtempSync(join(tmpdir(), 'koa-jwt-kit-consumer-'));
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(ROOT, join(project, 'node_modules', 'koa-jwt-kit'), 'dir');
    });
    after(() => rmSync(project, { recursive: true, force: true }));

    const probe = (load: string) => `
      const names = Object.keys(lib);
      const auth = lib.koaJwt({ keys: { secret: ${JSON.stringify(SECRET)} }, users: lib.memoryUsers([{ id: '1', username: 'ada', password: 'pw' }]) });
      auth.issue({ id: '1', username: 'ada' }).then((r) => auth.verify(r.token)).then((p) => {
        console.log(JSON.stringify({ load: ${JSON.stringify(load)}, names, username: p.username }));
        return auth.close();
      });`;

    it("`import { koaJwt } from 'koa-jwt-kit'` resolves to the ESM build", function () {
      writeFileSync(join(project, 'esm.mjs'), `import * as lib from 'koa-jwt-kit';\n${probe('esm')}`);
      const out = JSON.parse(execFileSync(process.execPath, ['esm.mjs'], { cwd: project, encoding: 'utf8' }));
      expect(out.names).to.include.members(['koaJwt', 'memoryUsers', 'TokenExpiredError']);
      expect(out.username).to.equal('ada');
      const resolved = execFileSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('koa-jwt-kit'))"], { cwd: project, encoding: 'utf8' });
      expect(resolved.trim()).to.match(/\/dist\/esm\/index\.js$/);
    });

    it("`require('koa-jwt-kit')` resolves to the CommonJS build", function () {
      writeFileSync(join(project, 'cjs.cjs'), `const lib = require('koa-jwt-kit');\n${probe('cjs')}`);
      const out = execFileSync(process.execPath, ['cjs.cjs'], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const result = JSON.parse(out);
      expect(result.names).to.include.members(['koaJwt', 'memoryUsers', 'TokenExpiredError']);
      expect(result.username).to.equal('ada');
      const resolved = execFileSync(process.execPath, ['-e', "console.log(require.resolve('koa-jwt-kit'))"], { cwd: project, encoding: 'utf8' });
      expect(resolved.trim()).to.match(/\/dist\/cjs\/index\.js$/);
    });

    // Applications without MongoDB must not pay for mongoose (~0.5 s and ~95 MB RSS at import).
    const loadsMongoose = (file: string, code: string): boolean => {
      writeFileSync(join(project, file), code);
      return JSON.parse(execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8' })) as boolean;
    };
    const mongooseLoaded = "Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/]mongoose[\\\\/]/.test(f))";

    it('does not load mongoose on the root import (import and require), and does through koa-jwt-kit/mongoose', function () {
      const esm = (entry: string) => `import { createRequire } from 'node:module';\nimport * as lib from '${entry}';\nconst require = createRequire(import.meta.url);\nvoid lib;\nconsole.log(JSON.stringify(${mongooseLoaded}));\n`;
      expect(loadsMongoose('root.mjs', esm('koa-jwt-kit')), 'import koa-jwt-kit').to.equal(false);
      expect(loadsMongoose('root.cjs', `require('koa-jwt-kit');\nconsole.log(JSON.stringify(${mongooseLoaded}));\n`), 'require koa-jwt-kit').to.equal(false);
      expect(loadsMongoose('testing.mjs', esm('koa-jwt-kit/testing')), 'import koa-jwt-kit/testing').to.equal(false);
      // The control: the same probe does see mongoose when the subpath loads it.
      expect(loadsMongoose('mongoose.mjs', esm('koa-jwt-kit/mongoose')), 'import koa-jwt-kit/mongoose').to.equal(true);
    });

    // ioredis is an optional peer: the root entry never loads it, and koa-jwt-kit/redis takes the
    // client the application built, so it does not load it either.
    it('does not load ioredis on the root import, nor through koa-jwt-kit/redis (import and require)', function () {
      const ioredisLoaded = "Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/]ioredis[\\\\/]/.test(f))";
      const esm = (entry: string) => `import { createRequire } from 'node:module';\nimport * as lib from '${entry}';\nconst require = createRequire(import.meta.url);\nvoid lib;\nconsole.log(JSON.stringify(${ioredisLoaded}));\n`;
      expect(loadsMongoose('root-ioredis.mjs', esm('koa-jwt-kit')), 'import koa-jwt-kit').to.equal(false);
      expect(loadsMongoose('root-ioredis.cjs', `require('koa-jwt-kit');\nconsole.log(JSON.stringify(${ioredisLoaded}));\n`), 'require koa-jwt-kit').to.equal(false);
      expect(loadsMongoose('redis-ioredis.cjs', `require('koa-jwt-kit/redis');\nconsole.log(JSON.stringify(${ioredisLoaded}));\n`), 'require koa-jwt-kit/redis').to.equal(false);
      // The control: the probe sees ioredis once the application itself requires it.
      const appRequire = `require('node:module').createRequire(${JSON.stringify(join(ROOT, 'package.json'))})('ioredis');`;
      expect(loadsMongoose('app-ioredis.cjs', `${appRequire}\nconsole.log(JSON.stringify(${ioredisLoaded}));\n`), 'require ioredis').to.equal(true);
    });

    it('exposes mongooseStore and mongooseUsers at koa-jwt-kit/mongoose, redisStore at koa-jwt-kit/redis and the contracts at koa-jwt-kit/testing, for import and require', function () {
      const names = (code: string, file: string) => {
        writeFileSync(join(project, file), code);
        return JSON.parse(execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8' })) as string[];
      };
      const expected = { mongoose: ['mongooseStore', 'mongooseUsers', 'storeModels'], redis: ['redisStore', 'REDIS_PERSISTENCE_WARNING'], testing: ['storeContract', 'userProviderContract'] };
      for (const [sub, members] of Object.entries(expected)) {
        expect(names(`import * as m from 'koa-jwt-kit/${sub}';\nconsole.log(JSON.stringify(Object.keys(m)));\n`, `${sub}-names.mjs`)).to.include.members(members);
        expect(names(`console.log(JSON.stringify(Object.keys(require('koa-jwt-kit/${sub}'))));\n`, `${sub}-names.cjs`)).to.include.members(members);
      }
      const root = names("import * as m from 'koa-jwt-kit';\nconsole.log(JSON.stringify(Object.keys(m)));\n", 'root-names.mjs');
      expect(root).not.to.include('mongooseStore');
      expect(root).not.to.include('redisStore');
    });

    it('type-checks for both (TypeScript, module nodenext, strict)', function () {
      const source = (kind: string) => `import { koaJwt, memoryUsers, TokenExpiredError, type KoaJwtConfig, type JwtState, type UserProvider } from 'koa-jwt-kit';
const users: UserProvider = memoryUsers([{ id: '1', username: 'ada', password: 'pw' }]);
const config: KoaJwtConfig = { keys: { secret: 'x'.repeat(32) }, token: { expiresIn: '5m' }, users };
const auth = koaJwt(config);
const state: JwtState = {};
const isExpired = (e: unknown): boolean => e instanceof TokenExpiredError && e.code === 'token_expired';
export const ${kind} = { auth, state, isExpired, router: auth.router() };
`;
      writeFileSync(join(project, 'types-esm.mts'), source('esm'));
      writeFileSync(join(project, 'types-cjs.cts'), source('cjs'));
      // A deliberate mistake: proves the declarations are really read, not resolved to any.
      writeFileSync(join(project, 'types-wrong.mts'), "import { koaJwt } from 'koa-jwt-kit';\nkoaJwt({ keys: { secret: 42 } });\n");
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] },
        files: ['types-esm.mts', 'types-cjs.cts', 'types-wrong.mts'],
      }));
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
      let output = '';
      try {
        execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
      } catch (err) {
        output = String((err as { stdout?: string }).stdout ?? err);
      }
      const errors = output.split('\n').filter((l) => /error TS/.test(l));
      expect(errors, output).to.have.length(1);
      expect(errors[0]).to.match(/^types-wrong\.mts\(2,/);
    });
  });
});
