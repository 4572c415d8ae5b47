import { createHash, createHmac, createSecretKey } from 'node:crypto';
import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { thumbprint } from '../../lib/keyring/key.js';
import { testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { keyPair, secretOf } from '../helpers/keys.js';
import { decode } from '../helpers/tokens.js';

// Once, an HS key's default kid was its RFC 7638 thumbprint, an unsalted SHA-256 of the
// secret in every token: a fast offline oracle for guessing it, and a link between services
// that share it. A secret's default kid never depends on the secret (docs/security.md,
// "Kids of secrets"): unnamed secrets sign tokens without a kid.

const alice = { id: '1', username: 'alice' };
const users = testUsers();

/** Values an attacker could compute from a guessed secret and compare with a kid. */
function derivedFrom(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const out = [thumbprint(createSecretKey(bytes))];
  for (const digest of [createHash('sha256').update(bytes).digest(), createHmac('sha256', bytes).update('kid').digest()]) {
    out.push(digest.toString('hex'), digest.toString('base64url'), digest.toString('base64'));
  }
  return out;
}

function expectNoDerivedValue(text: string, secret: string): void {
  for (const value of derivedFrom(secret)) {
    for (const prefix of [value.slice(0, 8), value.slice(-8)]) expect(text, `contains ${prefix}, derived from the secret`).to.not.contain(prefix);
  }
}

describe('attack: a kid that publishes a hash of the secret', function () {
  const configs = {
    'one secret': (s: string) => ({ keys: { secret: s } }),
    'a list of secrets': (s: string) => ({ keys: { secret: [s, secretOf(40)] } }),
    'an oct JWK without kid': (s: string) => ({ keys: { secret: { kty: 'oct', k: Buffer.from(s).toString('base64url') } } }),
    'HS after RS256 (mixed algorithms)': (s: string) => ({ keys: { algorithm: ['HS256', 'RS256'] as ['HS256', 'RS256'], secret: s, publicKey: keyPair('rsa').publicPem } }),
  };

  for (const [name, make] of Object.entries(configs)) {
    describe(name, function () {
      it('signs tokens without a kid: nothing derived from the secret reaches the header', async function () {
        const secret = secretOf(40);
        const auth = koaJwt({ ...make(secret), users });
        const { token } = await auth.issue(alice);
        const { header } = decode(token);
        expect(header).to.not.have.property('kid');
        expectNoDerivedValue(JSON.stringify(header), secret);
      });

      it('labels the key in the keyring independently of the secret (two secrets, the same label)', function () {
        const one = koaJwt({ ...make(secretOf(40)), users }).keyring.list().map((k) => k.kid);
        const two = koaJwt({ ...make(secretOf(40)), users }).keyring.list().map((k) => k.kid);
        expect(one.filter((kid) => kid.startsWith('secret'))).to.have.length.greaterThan(0);
        expect(one).to.deep.equal(two);
      });

      it('verifies its own tokens (the kid-less token finds its key)', async function () {
        const auth = koaJwt({ ...make(secretOf(40)), users });
        const { token } = await auth.issue(alice);
        expect((await auth.verify(token)).username).to.equal('alice');
      });
    });
  }

  it('a key added at run time without a kid gets a label that is not derived from its secret', async function () {
    const secret = secretOf(40);
    const auth = koaJwt({ keys: { secret: { current: secretOf(40) } }, users });
    const info = auth.keyring.add({ alg: 'HS256', secret }, { state: 'active' });
    expectNoDerivedValue(info.kid, secret);
    const { header } = decode((await auth.issue(alice)).token);
    expect(header).to.not.have.property('kid');
  });

  it('a named secret keeps its configured kid in the header (how instances agree on kids)', async function () {
    const auth = koaJwt({ keys: { secret: { '2026-11': secretOf(40) } }, users });
    expect(decode((await auth.issue(alice)).token).header.kid).to.equal('2026-11');
  });

  it('with insistOnKid, an unnamed secret stops start-up (its tokens would carry no kid)', function () {
    const err = configErrorOf({ keys: { secret: secretOf(40), insistOnKid: true }, users });
    expect(err.path).to.equal('keys.secret');
    expect(err.message).to.match(/needs a kid/);
  });

  it('an asymmetric key keeps its thumbprint kid: a hash of what the JWKS publishes anyway', async function () {
    const pair = keyPair('P-256');
    const auth = koaJwt({ keys: { algorithm: 'ES256', privateKey: pair.privatePem }, users });
    expect(decode((await auth.issue(alice)).token).header.kid).to.equal(thumbprint(pair.publicKey));
  });
});
