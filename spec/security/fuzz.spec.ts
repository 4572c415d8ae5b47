import { expect } from 'chai';
import fc from 'fast-check';
import { buildApp } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';

// Property: one edit (replace, insert or delete a character) anywhere in a valid token gives a
// token that is refused with 401 — or, when the edit changes nothing, the original accepted.
// Never a 500, and the server keeps answering. Fixed seeds: reproducible, and fast.
type Edit = { kind: 'replace' | 'insert' | 'delete'; at: number; char: string };

const apply = (token: string, { kind, at, char }: Edit): string => {
  const i = at % (kind === 'insert' ? token.length + 1 : token.length);
  if (kind === 'delete') return token.slice(0, i) + token.slice(i + 1);
  return token.slice(0, i) + char + token.slice(kind === 'replace' ? i + 1 : i);
};

const edit = (chars: fc.Arbitrary<string>): fc.Arbitrary<Edit> =>
  fc.record({ kind: fc.constantFrom('replace' as const, 'insert' as const, 'delete' as const), at: fc.nat(), char: chars });

// What an Authorization header can carry: visible ASCII, space and tab.
const headerChar = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\t', '.', '=', '+', '/', '-', '_', 'A', 'a'),
);
// What a JSON body can carry: anything, control characters and astral planes included.
const anyChar = fc.oneof(fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }), fc.constantFrom('\n', '\u0000', '\u2028', '.', '='));

describe('attack: fuzzed tokens (fast-check, one-character edits)', function () {
  this.timeout(60_000);
  const apps = {
    HS256: buildApp(),
    ES256: buildApp({ keys: { algorithm: 'ES256', privateKey: keyPair('P-256').privatePem } }),
  };

  for (const [alg, app] of Object.entries(apps)) {
    describe(alg, function () {
      let token: string;
      const seen = { refused: 0, unchanged: 0 };

      before(async function () {
        token = (await app.auth.issue({ id: '1', username: 'alice' })).token;
      });

      it('refuses every edited token in the Authorization header with 401, never 500 (300 runs, seed 6)', async function () {
        await fc.assert(
          fc.asyncProperty(edit(headerChar), async (e) => {
            const mutated = apply(token, e);
            const res = await app.request.get('/me').set('Authorization', `Bearer ${mutated}`);
            if (mutated === token) {
              seen.unchanged++;
              return res.status === 200;
            }
            seen.refused++;
            return res.status === 401 && ['token_invalid', 'credentials_bad_format'].includes(res.body.error);
          }),
          { seed: 6, numRuns: 300 },
        );
        expect(seen.refused).to.be.greaterThan(250);
      });

      it('refuses every edited token at the verify route (any character, in a JSON body) with 401, never 500 (300 runs, seed 7)', async function () {
        await fc.assert(
          fc.asyncProperty(edit(anyChar), async (e) => {
            const mutated = apply(token, e);
            const res = await app.request.post('/auth/token/verify').send({ token: mutated });
            if (mutated === token) return res.status === 200;
            return res.status === 401 && res.body.error === 'token_invalid';
          }),
          { seed: 7, numRuns: 300 },
        );
      });

      it('still accepts the original token afterwards (the process is up and unharmed)', async function () {
        expect((await app.request.get('/me').set('Authorization', `Bearer ${token}`)).status).to.equal(200);
      });
    });
  }
});
