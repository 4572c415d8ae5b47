import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import { KeyInvalidError, KeyNotFoundError, SigningKeyUnavailableError } from '../../lib/errors.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { keyPair } from '../helpers/keys.js';
import { decode } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { id: '1', username: 'alice' };

/** The kids the JWKS route publishes right now. */
async function publishedKids(auth: KoaJwt): Promise<string[]> {
  const app = new Koa().use(auth.jwks());
  const res = await supertest(app.callback()).get('/.well-known/jwks.json').expect(200);
  return res.body.keys.map((k: { kid: string }) => k.kid);
}

async function signerKid(auth: KoaJwt): Promise<string> {
  const { token } = await auth.issue(alice);
  return decode(token).header.kid as string;
}

describe('keyring API (auth.keyring)', () => {
  let auth: KoaJwt;
  beforeEach(() => {
    auth = koaJwt({ keys: { algorithm: ['ES256', 'EdDSA'], privateKey: { old: keyPair('P-256').privatePem } }, users: testUsers() });
  });
  afterEach(() => auth.close());

  it('list() tells kid, alg, state, createdAt and never material', () => {
    const [info] = auth.keyring.list();
    expect(info).to.include({ kid: 'old', alg: 'ES256', state: 'active', canSign: true, published: true });
    expect(info!.createdAt).to.be.instanceOf(Date);
    expect(JSON.stringify(info)).not.to.match(/PRIVATE|"d"/);
  });

  it('add(key, { state: "next" }) publishes and verifies at once, without signing', async () => {
    auth.keyring.add({ kid: 'new', alg: 'ES256', privateKey: keyPair('P-256', 'new').privatePem }, { state: 'next' });
    expect(await publishedKids(auth)).to.include('new');
    expect(await signerKid(auth)).to.equal('old');
    const other = koaJwt({ keys: { algorithm: 'ES256', privateKey: { new: keyPair('P-256', 'new').privatePem } }, users: testUsers() });
    const { token } = await other.issue(alice);
    expect((await auth.verify(token)).user_id).to.equal('1');
  });

  it('add(key) defaults to next', () => {
    const info = auth.keyring.add({ kid: 'n', alg: 'ES256', publicKey: keyPair('P-256', 'n').publicPem });
    expect(info.state).to.equal('next');
  });

  it('add(key, { state: "active" }) signs from the next token on', async () => {
    auth.keyring.add({ kid: 'now', alg: 'ES256', privateKey: keyPair('P-256', 'now').privatePem }, { state: 'active' });
    expect(await signerKid(auth)).to.equal('now');
  });

  it('promote(kid) signs with it at once and retires the previous signer, which still verifies', async () => {
    const { token: before } = await auth.issue(alice);
    auth.keyring.add({ kid: 'new', alg: 'ES256', privateKey: keyPair('P-256', 'new').privatePem }, { state: 'next' });
    auth.keyring.promote('new');
    expect(await signerKid(auth)).to.equal('new');
    const states = Object.fromEntries(auth.keyring.list().map((k) => [k.kid, k.state]));
    expect(states).to.deep.equal({ new: 'active', old: 'retired' });
    expect((await auth.verify(before)).user_id).to.equal('1');
    expect(await publishedKids(auth)).to.have.members(['new', 'old']);
  });

  it('promote(kid) refuses a key of another algorithm than the signing one', () => {
    auth.keyring.add({ kid: 'ed', alg: 'EdDSA', privateKey: keyPair('ed25519').privatePem }, { state: 'next' });
    expect(() => auth.keyring.promote('ed')).to.throw(KeyInvalidError, /EdDSA key, but ES256 signs/);
    expect(internalsOf(auth).keyring.signingKey()!.kid).to.equal('old');
  });

  it('promote(kid) refuses a verify-only key', () => {
    auth.keyring.add({ kid: 'pub', alg: 'ES256', publicKey: keyPair('P-256', 'pub').publicPem }, { state: 'next' });
    expect(() => auth.keyring.promote('pub')).to.throw(KeyInvalidError, /cannot sign/);
  });

  it('retire(kid) stops a key signing; it still verifies and stays published', async () => {
    auth.keyring.add({ kid: 'new', alg: 'ES256', privateKey: keyPair('P-256', 'new').privatePem }, { state: 'active' });
    const { token } = await auth.issue(alice);
    auth.keyring.add({ kid: 'newer', alg: 'ES256', privateKey: keyPair('P-256', 'newer').privatePem }, { state: 'active' });
    auth.keyring.retire('new', new Date(Date.now() + 60_000));
    expect(auth.keyring.list().find((k) => k.kid === 'new')).to.include({ state: 'retired' });
    expect(auth.keyring.list().find((k) => k.kid === 'new')!.notAfter).to.be.instanceOf(Date);
    expect(await signerKid(auth)).to.equal('newer');
    expect((await auth.verify(token)).user_id).to.equal('1');
    expect(await publishedKids(auth)).to.include('new');
  });

  it('remove(kid) unpublishes it and its tokens stop verifying at once', async () => {
    const { token } = await auth.issue(alice);
    auth.keyring.add({ kid: 'new', alg: 'ES256', privateKey: keyPair('P-256', 'new').privatePem }, { state: 'next' });
    auth.keyring.promote('new');
    expect((await auth.verify(token)).user_id).to.equal('1'); // warms any verified-token cache
    auth.keyring.remove('old');
    await rejectsWithCode(auth.verify(token), 'token_invalid');
    expect(await publishedKids(auth)).to.deep.equal(['new']);
  });

  it('refuses a duplicate kid and an algorithm outside keys.algorithm', () => {
    expect(() => auth.keyring.add({ kid: 'old', alg: 'ES256', publicKey: keyPair('P-256', 'x').publicPem })).to.throw(KeyInvalidError, /already present/);
    expect(() => auth.keyring.add({ kid: 'rs', alg: 'RS256', publicKey: keyPair('rsa').publicPem })).to.throw(KeyInvalidError, /not one of keys.algorithm/);
  });

  it('refuses promote, retire and remove of a kid it does not hold, with KeyNotFoundError (code key_not_found)', () => {
    for (const change of [() => auth.keyring.promote('nope'), () => auth.keyring.retire('nope'), () => auth.keyring.remove('nope')]) {
      expect(change).to.throw(KeyNotFoundError, /no key nope/).with.property('code', 'key_not_found');
    }
  });

  it('answers a login 503 temporarily_unavailable, not a 500, once every signing key is retired at run time', async () => {
    auth.keyring.retire('old');
    const error = await auth.issue(alice).then(() => undefined, (err: unknown) => err);
    expect(error).to.be.instanceOf(SigningKeyUnavailableError).and.include({ code: 'temporarily_unavailable', status: 503 });
  });

  it('notifies onChange listeners of every change', () => {
    const seen: string[] = [];
    auth.keyring.onChange((c) => seen.push(`${c.type}:${c.kid}`));
    auth.keyring.add({ kid: 'new', alg: 'ES256', privateKey: keyPair('P-256', 'new').privatePem });
    auth.keyring.promote('new');
    auth.keyring.retire('old');
    auth.keyring.remove('old');
    expect(seen).to.deep.equal(['add:new', 'promote:new', 'retire:old', 'remove:old']);
  });

  it('hands out a frozen JWKS document, so a caller cannot alter what is published', () => {
    const jwks = internalsOf(auth).keyring.jwks();
    expect(Object.isFrozen(jwks) && Object.isFrozen(jwks.keys) && Object.isFrozen(jwks.keys[0])).to.equal(true);
  });
});
