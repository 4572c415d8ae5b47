import { expect } from 'chai';
import { resolveConfig } from '../../lib/config/resolve.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { internalsOf } from '../../lib/internals.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { testConfig, testUsers } from '../helpers/app.js';
import { SECRET } from '../helpers/keys.js';

describe('resolved config', () => {
  const config = () => internalsOf(koaJwt(testConfig({ token: { audience: ['a', 'b'] }, cookie: 'jwt' }))).config;

  it('is frozen, section by section', () => {
    const resolved = config();
    expect(Object.isFrozen(resolved)).to.equal(true);
    for (const section of ['keys', 'token', 'refresh', 'header', 'cookie', 'blacklist', 'jwks'] as const) {
      expect(Object.isFrozen(resolved[section]), section).to.equal(true);
    }
    expect(Object.isFrozen(resolved.token.audience)).to.equal(true);
    expect(Object.isFrozen(resolved.keys.algorithms)).to.equal(true);
  });

  it('leaves the live objects it holds as they are: the store, the users provider, the imported KeyObjects', () => {
    const store = memoryStore();
    const users = testUsers();
    const parsed = resolveConfig(testConfig({ store, users, keys: { secret: [SECRET] } }));
    expect(parsed.store).to.equal(store);
    expect(parsed.users).to.equal(users);
    expect([store, store.blacklist, users].map((o) => Object.isFrozen(o))).to.deep.equal([false, false, false]);
    expect(Object.isFrozen(parsed.keys.static)).to.equal(true);
    expect(parsed.keys.static[0]?.signingKey && Object.isFrozen(parsed.keys.static[0].signingKey)).to.equal(false);
  });

  it('cannot be changed after start-up', () => {
    const resolved = config() as unknown as { token: { expiresIn: number } };
    expect(() => { resolved.token.expiresIn = 1e9; }).to.throw(TypeError);
    expect(resolved.token.expiresIn).to.equal(300);
  });

  it('does not share state with the input object', () => {
    const input = testConfig({ token: { expiresIn: 60 } });
    const auth = koaJwt(input);
    input.token!.expiresIn = 9999;
    expect(internalsOf(auth).config.token.expiresIn).to.equal(60);
  });

  it('applies the documented defaults', () => {
    const resolved = config();
    expect(resolved.keys.algorithms).to.deep.equal(['HS256']);
    expect(resolved.keys.insistOnKid).to.equal(false);
    expect(resolved.token).to.deep.include({ tokenId: 'include', includeUserId: true, verifyExpiration: true, maxLength: 8192 });
    expect(resolved.refresh).to.deep.include({ allow: true, pair: false });
    expect(resolved.header.prefix).to.equal('Bearer');
    expect(resolved.jwks.maxAge).to.equal(600);
    expect(resolved.userLookup).to.equal('provider');
  });
});
