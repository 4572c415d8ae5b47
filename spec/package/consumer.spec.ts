import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';

// What another project gets from `npm install koa-jwt-auth`: the build in dist/, reached through
// package.json's exports, for `import` and for `require`, with type declarations for both.
// CI builds before it tests (.ci/run); a plain `npm test` on a fresh checkout skips this suite.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ESM = join(ROOT, 'dist/esm/index.js');
const CJS = join(ROOT, 'dist/cjs/index.js');
const BUILT = existsSync(ESM) && existsSync(CJS);
const SKIP_REASON = 'dist/ not built: run npm run build';

// The runtime exports a consumer reaches for first.
const EXPECTED = [
  'koaJwt', 'memoryUsers', 'memoryStore', 'hashPassword', 'verifyPassword', 'Keyring', 'resolveConfig',
  'KoaJwtError', 'ConfigError', 'TokenError', 'CredentialsRequiredError', 'CredentialsBadFormatError',
  'InvalidCredentialsError', 'TokenExpiredError', 'TokenNotYetValidError', 'TokenInvalidError',
  'TokenRevokedError', 'RefreshExpiredError', 'UserNotFoundError', 'AccountDisabledError',
  'InvalidRequestError', 'ForbiddenError', 'StoreUnavailableError',
] as const;

type Lib = typeof import('../../lib/index.js');

const SECRET = 'consumer-spec-secret-0123456789abcdef';

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
      const targets = [pkg.main, pkg.types, ...Object.values(pkg.exports['.'] as Record<string, Record<string, string>>).flatMap((c) => Object.values(c))];
      expect(targets).to.have.length.greaterThan(4);
      for (const target of targets) {
        expect(target, target).to.match(/^\.\/dist\//);
        expect(existsSync(join(ROOT, target)), `${target} exists`).to.equal(true);
      }
    });

    it('ships dist/ in the tarball', function () {
      expect(pkg.files).to.include('dist');
    });
  });

  describe("a project that installed it (node_modules/koa-jwt-auth → this folder)", function () {
    let project: string;
    before(() => {
      project = mkdtempSync(join(tmpdir(), 'koa-jwt-auth-consumer-'));
      mkdirSync(join(project, 'node_modules'));
      symlinkSync(ROOT, join(project, 'node_modules', 'koa-jwt-auth'), 'dir');
    });
    after(() => rmSync(project, { recursive: true, force: true }));

    const probe = (load: string) => `
      const names = Object.keys(lib);
      const auth = lib.koaJwt({ keys: { secret: ${JSON.stringify(SECRET)} }, users: lib.memoryUsers([{ id: '1', username: 'ada', password: 'pw' }]) });
      auth.issue({ id: '1', username: 'ada' }).then((r) => auth.verify(r.token)).then((p) => {
        console.log(JSON.stringify({ load: ${JSON.stringify(load)}, names, username: p.username }));
        return auth.close();
      });`;

    it("`import { koaJwt } from 'koa-jwt-auth'` resolves to the ESM build", function () {
      writeFileSync(join(project, 'esm.mjs'), `import * as lib from 'koa-jwt-auth';\n${probe('esm')}`);
      const out = JSON.parse(execFileSync(process.execPath, ['esm.mjs'], { cwd: project, encoding: 'utf8' }));
      expect(out.names).to.include.members(['koaJwt', 'memoryUsers', 'TokenExpiredError']);
      expect(out.username).to.equal('ada');
      const resolved = execFileSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('koa-jwt-auth'))"], { cwd: project, encoding: 'utf8' });
      expect(resolved.trim()).to.match(/\/dist\/esm\/index\.js$/);
    });

    it("`require('koa-jwt-auth')` resolves to the CommonJS build", function () {
      writeFileSync(join(project, 'cjs.cjs'), `const lib = require('koa-jwt-auth');\n${probe('cjs')}`);
      const out = execFileSync(process.execPath, ['cjs.cjs'], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const result = JSON.parse(out);
      expect(result.names).to.include.members(['koaJwt', 'memoryUsers', 'TokenExpiredError']);
      expect(result.username).to.equal('ada');
      const resolved = execFileSync(process.execPath, ['-e', "console.log(require.resolve('koa-jwt-auth'))"], { cwd: project, encoding: 'utf8' });
      expect(resolved.trim()).to.match(/\/dist\/cjs\/index\.js$/);
    });

    it('type-checks for both (TypeScript, module nodenext, strict)', function () {
      const source = (kind: string) => `import { koaJwt, memoryUsers, TokenExpiredError, type KoaJwtConfig, type JwtState, type UserProvider } from 'koa-jwt-auth';
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
      writeFileSync(join(project, 'types-wrong.mts'), "import { koaJwt } from 'koa-jwt-auth';\nkoaJwt({ keys: { secret: 42 } });\n");
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
