import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { configErrorOf } from '../helpers/config.js';
import { JwksServer } from '../helpers/jwks-server.js';
import { keyPair } from '../helpers/keys.js';
import { claims, forge } from './attack-kit.js';
import { internalsOf } from '../../lib/internals.js';

// An RSA public key with a huge exponent: every signature check is an exponentiation by e, so a
// 3071-bit e made each forged token cost 11.5 ms to refuse (0.15 ms with e = 65537), and a few
// clients slowed every legitimate request. e above 2^33 − 1 (BoringSSL's bound) is refused, for
// configured and remote keys alike.

/** The public JWK of a 2048-bit RSA key whose e is 2047 bits long (odd, below n). */
function hugeExponentJwk(): Record<string, string> {
  const { n } = keyPair('rsa').publicKey.export({ format: 'jwk' }) as { n: string };
  const e = randomBytes(256);
  e[0] = 0x40;
  e[e.length - 1]! |= 1;
  return { kty: 'RSA', n, e: e.toString('base64url') };
}

/** A token of `kid` with a random signature: only the key's exponent decides what refusing it costs. */
const forgedRs256 = (kid: string) => `${forge({ alg: 'RS256', kid }, claims(), { none: true })}${randomBytes(256).toString('base64url')}`;

describe('attack: an RSA key with a huge public exponent', function () {
  it('a configured public key is refused at start-up, naming its config path', function () {
    const err = configErrorOf({ keys: { algorithm: 'RS256', publicKey: { huge: hugeExponentJwk() } } });
    expect(err.path).to.equal('keys.publicKey.huge');
    expect(err.message).to.contain('RS256 needs an RSA public exponent of at most 2^33 - 1, got one of 2047 bits');
  });

  describe('a remote key (keys.jwksUri)', function () {
    let server: JwksServer;
    beforeEach(async function () {
      server = await new JwksServer().start();
    });
    afterEach(() => server.listening.close());

    it('verifies nothing: its tokens are 401, and an error event (source jwks) names its kid', async function () {
      const good = keyPair('rsa', 'good');
      server.keys = [{ ...hugeExponentJwk(), kid: 'huge', alg: 'RS256', use: 'sig' }, { ...good.publicKey.export({ format: 'jwk' }), kid: 'good', alg: 'RS256', use: 'sig' }];
      const auth = koaJwt({ keys: { algorithm: 'RS256', jwksUri: server.uri } });
      const errors: { source: string; kid?: string; error: unknown }[] = [];
      auth.on('error', (e) => errors.push(e));
      for (let i = 0; i < 3; i++) {
        expect(await auth.verify(forgedRs256('huge')).then(() => 'accepted', (err: { code?: string; status?: number }) => [err.code, err.status]))
          .to.deep.equal(['token_invalid', 401]);
      }
      expect(errors.map((e) => [e.source, e.kid])).to.deep.equal([['jwks', 'huge']]);
      expect((errors[0]!.error as Error).message).to.match(/the key huge is refused: .*at most 2\^33 - 1, got one of 2047 bits/);
      expect(await internalsOf(auth).keyring.remote?.getKey('huge', 'RS256'), 'no key to check a signature against').to.equal(undefined);
      const token = forge({ alg: 'RS256', kid: 'good' }, claims(), { key: good.privateKey, alg: 'RS256' });
      expect((await auth.verify(token)).username, 'the key beside it verifies').to.equal('alice');
      await auth.close();
    });
  });
});
