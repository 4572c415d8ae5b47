import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { KeyObject } from 'node:crypto';
import sinon from 'sinon';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { handSign, nowSeconds } from '../helpers/tokens.js';

// DESIGN.md: jsonwebtoken re-parses a string key on every call (70× slower, and it first tries
// a string as a public key). Keys become KeyObjects once; no string or PEM reaches jwt.verify.
describe('keys handed to jsonwebtoken', () => {
  afterEach(() => sinon.restore());

  const configs = {
    'HS256 string secret': { keys: { secret: SECRET } },
    'HS256 secret list': { keys: { secret: [SECRET, Buffer.from(SECRET.toUpperCase())] } },
    'RS256 PEM': { keys: { algorithm: 'RS256' as const, privateKey: keyPair('rsa').privatePem } },
    'ES256 PEM, public keys by kid': { keys: { algorithm: 'ES256' as const, privateKey: keyPair('P-256').privatePem, publicKey: { other: keyPair('P-256', 'b').publicPem } } },
    'RS256 + HS256': { keys: { algorithm: ['RS256' as const, 'HS256' as const], privateKey: keyPair('rsa').privatePem, secret: SECRET } },
  };

  for (const [name, config] of Object.entries(configs)) {
    it(`${name}: every key is a KeyObject and jwt.verify only ever gets one`, async () => {
      const auth = koaJwt({ ...config, users: testUsers() });
      for (const info of auth.keyring.list()) {
        const key = auth.keyring.get(info.kid)!;
        expect(key.verifyingKey, info.kid).to.be.instanceOf(KeyObject);
        if (key.signingKey) expect(key.signingKey, info.kid).to.be.instanceOf(KeyObject);
      }
      const spy = sinon.spy(jwt, 'verify');
      const { token } = await auth.issue({ id: '1', username: 'alice' });
      await auth.verify(token);
      // A token without kid is tried against several keys; a forged one fails on every one.
      await auth.verify(handSign({ user_id: '1', exp: nowSeconds() + 60 }, { key: SECRET })).catch(() => undefined);
      await rejectsWithCode(auth.verify(`${token.slice(0, -4)}AAAA`), 'token_invalid');
      expect(spy.callCount).to.be.greaterThan(0);
      for (const call of spy.getCalls()) {
        expect(call.args[1], 'the key argument').to.be.instanceOf(KeyObject);
        expect((call.args[2] as jwt.VerifyOptions).algorithms, 'algorithms is always given').to.be.an('array').with.length(1);
      }
    });
  }
});
