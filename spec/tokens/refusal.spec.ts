import { expect } from 'chai';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testUsers } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';
import { keyPair } from '../helpers/keys.js';

// bench/README.md: refusing a forged token must cost no more than accepting a good one.
// Capturing a stack trace per refusal cost more than the HMAC it refuses (bench/), so the
// errors of the verify path are built without one, and the process-wide limit is left as it was.
describe('refusals of the verify path', () => {
  const configs = {
    HS256: { keys: { secret: 'a-test-secret-that-is-long-enough-for-hs256!' } },
    ES256: { keys: { algorithm: 'ES256' as const, privateKey: keyPair('P-256').privatePem } },
  };

  for (const [alg, keys] of Object.entries(configs)) {
    it(`${alg}: a forged signature is refused with token_invalid and an error that carries no stack trace`, async () => {
      const auth = koaJwt({ ...keys, users: testUsers(), token: { cache: false } });
      const { token } = await auth.issue({ id: '1', username: 'alice' });
      const limit = Error.stackTraceLimit;
      const err = await rejectsWithCode(auth.verify(`${token.slice(0, -4)}AAAA`), 'token_invalid');
      expect(err.message).to.equal('The token signature is invalid.');
      expect(err.stack ?? '', 'no "at ..." frames').not.to.match(/\n\s+at /);
      expect(Error.stackTraceLimit, 'the limit is restored').to.equal(limit);
    });
  }

  it('a malformed token is refused the same way (no stack trace)', async () => {
    const auth = koaJwt({ ...configs.HS256, users: testUsers() });
    const err = await rejectsWithCode(auth.verify('not.a-token'), 'token_invalid');
    expect(err.stack ?? '').not.to.match(/\n\s+at /);
  });

  it('errors that are not refusals of a token keep their stack trace', () => {
    expect(new Error('a fault').stack).to.match(/\n\s+at /);
  });
});
