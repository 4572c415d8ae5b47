import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ConfigEnvironment } from '../../lib/config/environment.js';
import { loadKeyMaterial } from '../../lib/config/load-keys.js';
import { parseConfig } from '../../lib/config/resolve.js';
import { testUsers } from '../helpers/app.js';
import { SECRET } from '../helpers/keys.js';
import { configErrorFrom, DEV, PROD } from '../helpers/config.js';

// Start-up reads its config in two steps: parsing, which is pure (the same input and
// environment give the same options, and nothing is read from the disk or process.env), then
// the key material step, the only one that reads `file:`/`env:` references and keys.dir.



describe('parseConfig: the pure step of start-up', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'kjk-parse-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => { delete process.env.KJK_PARSE_SECRET; });

  // Each reference below cannot be read: had parsing followed one, it would have thrown.
  it('reads neither the files nor the variables that key material names, nor the key directory', () => {
    const options = parseConfig({
      keys: { secret: 'file:/nowhere/secret', dir: join(dir, 'not-there') },
      refresh: { cookie: 'rt', csrf: { secret: 'env:KJK_PARSE_UNSET' } },
      users: testUsers(),
    }, DEV);
    expect(options.keys.secret).to.equal('file:/nowhere/secret');
    expect(options.refresh.csrf.secret).to.equal('env:KJK_PARSE_UNSET');
  });

  it('then the key material step reads them, and names the path of the one it cannot read', () => {
    const options = parseConfig({ keys: { secret: 'file:/nowhere/secret' }, users: testUsers() }, DEV);
    expect(configErrorFrom(() => loadKeyMaterial(options)).path).to.equal('keys.secret');

    const file = join(dir, 'secret');
    writeFileSync(file, SECRET);
    const loaded = loadKeyMaterial(parseConfig({ keys: { secret: `file:${file}` }, users: testUsers() }, DEV));
    expect(loaded.keys.static.map((k) => k.alg)).to.deep.equal(['HS256']);
    expect(loaded.keys).to.not.have.property('secret');
  });

  it('takes an env: reference as it is, and the key material step reads the variable when it runs', () => {
    const options = parseConfig({ keys: { secret: 'env:KJK_PARSE_SECRET' }, users: testUsers() }, DEV);
    expect(configErrorFrom(() => loadKeyMaterial(options)).message).to.match(/KJK_PARSE_SECRET is not set/);
    process.env.KJK_PARSE_SECRET = SECRET;
    expect(loadKeyMaterial(options).keys.static).to.have.length(1);
  });

  it('gives the same options for the same input and environment', () => {
    const input = { keys: { secret: SECRET }, users: testUsers(), cookie: 'jwt', refresh: { pair: true } } as const;
    expect(parseConfig(input, DEV)).to.deep.equal(parseConfig(input, DEV));
  });

  it('makes cookies Secure by default in production, from the environment it is given, not from process.env', () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const input = { keys: { secret: SECRET }, users: testUsers(), cookie: 'jwt', refresh: { pair: true, cookie: 'rt' } };
      const dev = parseConfig(input, DEV);
      const prod = parseConfig(input, PROD);
      expect([dev.cookie && dev.cookie.secure, dev.refresh.cookie && dev.refresh.cookie.secure]).to.deep.equal([false, false]);
      expect([prod.cookie && prod.cookie.secure, prod.refresh.cookie && prod.refresh.cookie.secure]).to.deep.equal([true, true]);
    } finally {
      if (saved === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = saved;
    }
  });

  it('bounds hashing by the thread pool and the cores it is told of', () => {
    const hashing = (environment: ConfigEnvironment) => parseConfig({ keys: { secret: SECRET } }, environment).hashing;
    expect(hashing({ production: false, threadPoolSize: 16, cores: 8 })).to.deep.equal({ concurrency: 7, queue: 14, maxWait: 1 });
    expect(hashing({ production: false, threadPoolSize: 2, cores: 8 })).to.deep.equal({ concurrency: 2, queue: 4, maxWait: 1 });
    expect(hashing({ production: false, threadPoolSize: 4, cores: 1 })).to.deep.equal({ concurrency: 1, queue: 2, maxWait: 1 });
  });

  it('checks the rules between options before any key is read (the unreadable secret is not the error)', () => {
    const error = configErrorFrom(() => parseConfig({ keys: { secret: 'file:/nowhere/secret' }, token: { tokenId: 'off' }, refresh: { pair: true } }, DEV));
    expect(error.path).to.equal('token.tokenId');
  });

  it('leaves a JWK the config gives as it is: the user\'s object is not frozen', () => {
    const jwk = { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') };
    const options = parseConfig({ keys: { secret: jwk } }, DEV);
    expect(Object.isFrozen(options.keys)).to.equal(true);
    expect(Object.isFrozen(jwk)).to.equal(false);
  });
});
