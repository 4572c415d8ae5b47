import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { KeyObject } from 'node:crypto';
import sinon from 'sinon';
import { koaJwt } from '../../lib/koa-jwt.js';
import { signatureCheck } from '../../lib/tokens/signature.js';
import { testUsers } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { handSign, nowSeconds } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

// docs/security.md: keys become KeyObjects once, at load, in a Map by kid; a token is parsed once and
// its signature checked with node:crypto for the key's algorithm. jsonwebtoken only signs: it
// would parse the token a second time (and, handed a string key, re-parse the key per call).
describe('keys and the signature check', () => {
  afterEach(() => sinon.restore());

  const configs = {
    'HS256 string secret': { keys: { secret: SECRET } },
    'HS256 secret list': { keys: { secret: [SECRET, Buffer.from(SECRET.toUpperCase())] } },
    'RS256 PEM': { keys: { algorithm: 'RS256' as const, privateKey: keyPair('rsa').privatePem } },
    'PS256 PEM': { keys: { algorithm: 'PS256' as const, privateKey: keyPair('rsa').privatePem } },
    'ES256 PEM, public keys by kid': { keys: { algorithm: 'ES256' as const, privateKey: keyPair('P-256').privatePem, publicKey: { other: keyPair('P-256', 'b').publicPem } } },
    'RS256 + HS256': { keys: { algorithm: ['RS256' as const, 'HS256' as const], privateKey: keyPair('rsa').privatePem, secret: SECRET } },
  };

  for (const [name, config] of Object.entries(configs)) {
    it(`${name}: every key is a KeyObject, jwt.verify never runs, and each key's check is prepared once`, async () => {
      const auth = koaJwt({ ...config, users: testUsers() });
      for (const info of auth.keyring.list()) {
        const key = internalsOf(auth).keyring.get(info.kid)!;
        expect(key.verifyingKey, info.kid).to.be.instanceOf(KeyObject);
        if (key.signingKey) expect(key.signingKey, info.kid).to.be.instanceOf(KeyObject);
      }
      const spy = sinon.spy(jwt, 'verify');
      const { token } = await auth.issue({ id: '1', username: 'alice' });
      const payload = await auth.verify(token);
      expect(payload.user_id).to.equal('1');
      const signer = internalsOf(auth).keyring.signingKey()!;
      const check = signatureCheck(signer.verifyingKey, signer.alg);
      // A token without kid is tried against several keys; a forged one fails on every one.
      await auth.verify(handSign({ user_id: '1', exp: nowSeconds() + 60 }, { key: SECRET })).catch(() => undefined);
      await rejectsWithCode(auth.verify(`${token.slice(0, -4)}AAAA`), 'token_invalid');
      await auth.verify(token);
      expect(spy.callCount, 'jwt.verify calls').to.equal(0);
      expect(signatureCheck(signer.verifyingKey, signer.alg), 'the same prepared check on every token').to.equal(check);
    });
  }

  it('keeps the prepared check of a key across its state changes (a promote replaces the Key, not its KeyObject)', async () => {
    const auth = koaJwt({ keys: { algorithm: 'ES256', privateKey: { a: keyPair('P-256').privatePem, b: keyPair('P-256', 'b').privatePem } }, users: testUsers() });
    const { token } = await auth.issue({ id: '1', username: 'alice' });
    await auth.verify(token);
    const before = internalsOf(auth).keyring.get('a')!;
    const check = signatureCheck(before.verifyingKey, 'ES256');
    auth.keyring.promote('b');
    const after = internalsOf(auth).keyring.get('a')!;
    expect(after).not.to.equal(before);
    expect(after.state).to.equal('retired');
    await auth.verify(token);
    expect(signatureCheck(after.verifyingKey, 'ES256')).to.equal(check);
  });
});
