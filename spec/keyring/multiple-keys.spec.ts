import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { keyPair, SECRET, secretOf } from '../helpers/keys.js';
import { decode, handSign, nowSeconds } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

const alice = { id: '1', username: 'alice' };
const users = testUsers();
const claims = () => ({ user_id: '1', username: 'alice', iat: nowSeconds(), exp: nowSeconds() + 60 });

describe('keyring with several keys', () => {
  describe('HS secrets as a list', () => {
    const first = secretOf(32);
    const second = secretOf(32);
    const auth = koaJwt({ keys: { secret: [first, second] }, users });

    it('signs with the first secret', async () => {
      const { token } = await auth.issue(alice);
      const onlyFirst = koaJwt({ keys: { secret: first }, users });
      expect((await onlyFirst.verify(token)).username).to.equal('alice');
      await rejectsWithCode(koaJwt({ keys: { secret: second }, users }).verify(token), 'token_invalid');
    });

    it('verifies a token signed by the second secret (with its kid)', async () => {
      const { token } = await koaJwt({ keys: { secret: second }, users }).issue(alice);
      expect((await auth.verify(token)).username).to.equal('alice');
    });

    it('verifies a token signed by the second secret without a kid', async () => {
      expect((await auth.verify(handSign(claims(), { key: second }))).username).to.equal('alice');
    });

    it('refuses a token signed by a secret it does not hold', async () => {
      await rejectsWithCode(auth.verify(handSign(claims(), { key: secretOf(32) })), 'token_invalid');
    });
  });

  describe('RSA keys', () => {
    const a = keyPair('rsa');
    const b = keyPair('rsa', 'second');
    const c = keyPair('rsa', 'third');
    const auth = koaJwt({ keys: { algorithm: 'RS256', privateKey: { a: a.privatePem, b: b.privatePem }, publicKey: [c.publicPem] }, users });

    it('signs with the first private key, under its kid', async () => {
      const { token } = await auth.issue(alice);
      expect(decode(token).header).to.deep.include({ alg: 'RS256', kid: 'a' });
      expect(internalsOf(auth).keyring.signingKey()!.kid).to.equal('a');
    });

    it('verifies tokens of the second private key and of an extra public key', async () => {
      expect((await auth.verify(handSign(claims(), { key: b.privateKey, alg: 'RS256', header: { kid: 'b' } }))).username).to.equal('alice');
      expect((await auth.verify(handSign(claims(), { key: c.privateKey, alg: 'RS256' }))).username).to.equal('alice');
    });

    it('tries a token with a kid against that key only', async () => {
      const signedByB = handSign(claims(), { key: b.privateKey, alg: 'RS256', header: { kid: 'a' } });
      await rejectsWithCode(auth.verify(signedByB), 'token_invalid');
    });
  });

  describe('mixed algorithms', () => {
    const rsa = keyPair('rsa');
    const auth = koaJwt({ keys: { algorithm: ['RS256', 'HS256'], privateKey: rsa.privatePem, secret: SECRET }, users });

    it('signs with the first algorithm', async () => {
      const { token } = await auth.issue(alice);
      expect(decode(token).header.alg).to.equal('RS256');
    });

    it('verifies a token of the second algorithm', async () => {
      expect((await auth.verify(handSign(claims(), { key: SECRET, alg: 'HS256' }))).username).to.equal('alice');
    });

    it('keeps the secret out of the JWKS', () => {
      const jwks = internalsOf(auth).keyring.jwks();
      expect(jwks.keys).to.have.length(1);
      expect(jwks.keys[0]).to.include({ kty: 'RSA', alg: 'RS256' });
    });
  });

  describe('kids', () => {
    it('puts the kid of a dict key in the header', async () => {
      const auth = koaJwt({ keys: { secret: { '2026-11': SECRET } }, users });
      const { token } = await auth.issue(alice);
      expect(decode(token).header.kid).to.equal('2026-11');
    });

    it('derives a kid (RFC 7638 thumbprint) for a key given without one', async () => {
      const auth = koaJwt({ keys: { algorithm: 'ES256', privateKey: keyPair('P-256').privatePem }, users });
      const { token } = await auth.issue(alice);
      expect(decode(token).header.kid).to.be.a('string').and.match(/^[A-Za-z0-9_-]{43}$/);
    });

    it('refuses a token with an unknown kid', async () => {
      const auth = koaJwt({ keys: { secret: { a: SECRET } }, users });
      await rejectsWithCode(auth.verify(handSign(claims(), { header: { kid: 'b' } })), 'token_invalid');
    });

    it('refuses a kid that is not a short string', async () => {
      const auth = koaJwt({ keys: { secret: { a: SECRET } }, users });
      await rejectsWithCode(auth.verify(handSign(claims(), { header: { kid: { $ne: null } } })), 'token_invalid');
      await rejectsWithCode(auth.verify(handSign(claims(), { header: { kid: 'k'.repeat(1000) } })), 'token_invalid');
    });

    it('verifies a token without kid against every key of its alg', async () => {
      const auth = koaJwt({ keys: { secret: { a: secretOf(32), b: SECRET } }, users });
      expect((await auth.verify(handSign(claims()))).username).to.equal('alice');
    });

    it('with insistOnKid, refuses a token without kid', async () => {
      const auth = koaJwt({ keys: { secret: { a: SECRET }, insistOnKid: true }, users });
      await rejectsWithCode(auth.verify(handSign(claims())), 'token_invalid');
      expect((await auth.verify(handSign(claims(), { header: { kid: 'a' } }))).username).to.equal('alice');
    });
  });

  describe('algorithm pinning', () => {
    it('refuses a token whose alg is not in keys.algorithm', async () => {
      const auth = koaJwt({ keys: { algorithm: 'HS256', secret: secretOf(64) }, users });
      const key = auth.keyring.list()[0]!;
      const secret = internalsOf(auth).keyring.get(key.kid)!.verifyingKey;
      const hs512 = handSign(claims(), { key: secret, alg: 'HS512', header: { kid: key.kid } });
      await rejectsWithCode(auth.verify(hs512), 'token_invalid');
    });

    it('refuses a token with the kid of an RSA key but alg HS256 (RS/HS confusion)', async () => {
      const rsa = keyPair('rsa');
      const auth = koaJwt({ keys: { algorithm: ['RS256', 'HS256'], privateKey: { rsa: rsa.privatePem }, secret: { hs: SECRET } }, users });
      // The classic attack: HMAC keyed with the public PEM the issuer publishes.
      const forged = handSign(claims(), { key: rsa.publicPem, alg: 'HS256', header: { kid: 'rsa' } });
      await rejectsWithCode(auth.verify(forged), 'token_invalid');
      const forgedNoKid = handSign(claims(), { key: rsa.publicPem, alg: 'HS256' });
      await rejectsWithCode(auth.verify(forgedNoKid), 'token_invalid');
    });

    it('refuses an RS256 token presented with the kid of an HS key', async () => {
      const rsa = keyPair('rsa');
      const auth = koaJwt({ keys: { algorithm: ['HS256', 'RS256'], secret: { hs: SECRET }, publicKey: { rsa: rsa.publicPem } }, users });
      const token = handSign(claims(), { key: rsa.privateKey, alg: 'RS256', header: { kid: 'hs' } });
      await rejectsWithCode(auth.verify(token), 'token_invalid');
      expect((await auth.verify(handSign(claims(), { key: rsa.privateKey, alg: 'RS256', header: { kid: 'rsa' } }))).username).to.equal('alice');
    });

    for (const alg of ['none', 'None', 'NONE']) {
      it(`refuses alg ${alg}`, async () => {
        const auth = koaJwt({ keys: { secret: SECRET }, users });
        await rejectsWithCode(auth.verify(handSign(claims(), { alg })), 'token_invalid');
      });
    }
  });
});
