import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { CommandIo } from '../../lib/cli/command.js';
import { main } from '../../lib/cli/main.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { estimateBits, MIN_SECRET_BITS } from '../../lib/keyring/secret-strength.js';
import { testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { SECRET } from '../helpers/keys.js';

// Once, the start-up check was length-only, so `my_very_long_and_safe_secret_key` (in
// jwt_tool's common-secrets list, cracked at once) was accepted. Secrets of evidently low entropy
// are refused with a message naming the path and saying how to make one (docs/security.md, "Weak secrets").

const users = testUsers();

/** `koa-jwt-kit keys generate --secret …` through the CLI's main(): its stdout lines and exit code. */
async function generateSecret(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: process.env, cwd: process.cwd() };
  const code = await main(['keys', 'generate', '--secret', ...argv], io);
  return { code, out, err };
}

describe('attack: a long but guessable secret (offline cracking of HS256)', function () {
  const weak = {
    'a phrase from a common-secrets list': 'my_very_long_and_safe_secret_key',
    'words and a separator': 'this-is-my-super-secret-jwt-key-for-dev!',
    'a word and sequences': 'test-secret-0123456789abcdefghijklmnop',
    'a repeated block': 'Tr0ub4dor&3-Tr0ub4dor&3-Tr0ub4dor&3',
    'few distinct characters': 'abababababababababababababababababab',
    'one character repeated': 'x'.repeat(64),
    'a keyboard walk and a year': 'qwertyuiop-asdfghjkl-zxcvbnm-2026',
  };

  for (const [name, secret] of Object.entries(weak)) {
    it(`refuses ${name} (${JSON.stringify(secret)}) at start-up, naming the path and how to make a secret`, function () {
      expect(Buffer.byteLength(secret), 'long enough for the length rule').to.be.at.least(32);
      const err = configErrorOf({ keys: { secret }, users });
      expect(err.path).to.equal('keys.secret');
      expect(err.message).to.contain('too easy to guess');
      expect(err.message).to.contain('openssl rand -base64 32');
      expect(err.message).to.contain('koa-jwt-kit keys generate --secret');
    });
  }

  it('names the path of the weak one in a list and in a dict', function () {
    expect(configErrorOf({ keys: { secret: [SECRET, 'my_very_long_and_safe_secret_key'] }, users }).path).to.equal('keys.secret[1]');
    expect(configErrorOf({ keys: { secret: { a: SECRET, b: 'my_very_long_and_safe_secret_key' } }, users }).path).to.equal('keys.secret.b');
  });

  it('refuses a weak secret given as a Buffer, an oct JWK or through keyring.add()', function () {
    const phrase = Buffer.from('my_very_long_and_safe_secret_key');
    expect(configErrorOf({ keys: { secret: phrase }, users }).path).to.equal('keys.secret');
    expect(configErrorOf({ keys: { secret: { kty: 'oct', k: phrase.toString('base64url') } }, users }).path).to.equal('keys.secret');
    const auth = koaJwt({ keys: { secret: SECRET }, users });
    expect(() => auth.keyring.add({ alg: 'HS256', secret: phrase })).to.throw(/too easy to guess/);
  });

  it('accepts generated secrets: openssl-style base64, hex of 16 and 32 bytes, raw bytes (many samples)', function () {
    for (let i = 0; i < 300; i++) {
      for (const secret of [randomBytes(32).toString('base64'), randomBytes(16).toString('hex'), randomBytes(32).toString('hex'), randomBytes(32)]) {
        const bits = estimateBits(Buffer.from(secret));
        expect(bits, `${secret.toString()} estimated at ${bits} bits`).to.be.at.least(MIN_SECRET_BITS);
      }
    }
  });

  it('accepts the secret `keys generate --secret` prints, for every HS algorithm', async function () {
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      const { code, out } = await generateSecret('--alg', alg);
      expect(code).to.equal(0);
      expect(out).to.have.length(1);
      const auth = koaJwt({ keys: { algorithm: alg, secret: out[0]! }, users });
      const { token } = await auth.issue({ id: '1', username: 'alice' });
      expect((await auth.verify(token)).username).to.equal('alice');
    }
  });

  it('keys generate --secret prints a new secret each time, and refuses a non-HS --alg', async function () {
    const [one, two] = await Promise.all([generateSecret(), generateSecret()]);
    expect(one.out[0]).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(one.out[0]).to.not.equal(two.out[0]);
    expect((await generateSecret('--alg', 'ES256')).code).to.equal(2);
  });
});
