import { expect } from 'chai';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { b64url, claims, forge } from '../security/attack-kit.js';
import { testConfig } from '../helpers/app.js';
import { rejectsWithCode } from '../helpers/expect.js';

// Every refusal is 401 token_invalid (spec/security pins that), and its error_description says
// which rule the token broke: what an engineer reads in a log or a client's error to find out
// why a token is refused. One message per rule, pinned here.

describe('refusals say which rule the token broke', function () {
  const auth = koaJwt(testConfig({ token: { tokenId: 'require' } }));
  after(() => auth.close());

  const reasonFor = async (verifier: KoaJwt, token: unknown): Promise<string> => (await rejectsWithCode(verifier.verify(token as string), 'token_invalid')).message;

  const signed = (header: Record<string, unknown>, payload: Record<string, unknown> | string = claims({ jti: 'j' })) => forge(header, payload);
  const HS = { alg: 'HS256', typ: 'JWT' };

  // Thunks: a token signed when mocha loads this file could expire before its spec runs.
  const cases: Array<[string, () => unknown, string]> = [
    ['not a string', () => 5, 'The token is not a string.'],
    ['two parts', () => 'abc.def', 'The token is not a compact JWS (three dot-separated parts).'],
    ['a header outside the base64url alphabet', () => `e30!.${b64url('{}')}.c2ln`, 'The token is not base64url encoded.'],
    ['a header that is not JSON', () => `${b64url('{')}.${b64url('{}')}.c2ln`, 'The token header is not valid JSON.'],
    ['a header that is not an object', () => `${b64url('[]')}.${b64url('{}')}.c2ln`, 'The token header is not a JSON object.'],
    ['no signature', () => `${b64url(JSON.stringify(HS))}.${b64url('{}')}.`, 'The token has no signature.'],
    ['a signature outside the alphabet', () => `${b64url(JSON.stringify(HS))}.${b64url('{}')}.c2l!`, 'The token signature is not base64url encoded.'],
    ['alg none', () => signed({ alg: 'none' }), 'Unsigned tokens (alg none) are refused.'],
    ['alg NONE', () => signed({ alg: 'NONE' }), 'Unsigned tokens (alg none) are refused.'],
    ['an unknown alg', () => signed({ alg: 'HS257' }), 'The token algorithm is not supported.'],
    ['an alg that is not a string', () => signed({ alg: 5 }), 'The token algorithm is not supported.'],
    ['a jku header', () => signed({ ...HS, jku: 'https://evil.example/jwks' }), 'The token header "jku" is refused: keys are never taken from a token.'],
    ['a crit header', () => signed({ ...HS, crit: ['x'] }), 'The token has critical header parameters this verifier does not understand.'],
    ['a b64 header', () => signed({ ...HS, b64: false }), 'Unencoded payloads (b64) are refused.'],
    ['a kid that is not a string', () => signed({ ...HS, kid: 5 }), 'The token header has an invalid kid.'],
    ['a payload that is not JSON', () => signed(HS, 'not json'), 'The token payload is not a JSON object.'],
    ['a payload that is not an object', () => signed(HS, '[1]'), 'The token payload is not a JSON object.'],
    ['an iat that is not a NumericDate', () => signed(HS, claims({ jti: 'j', iat: 'yesterday' })), 'The token iat is not a NumericDate.'],
    ['an nbf that is not a NumericDate', () => signed(HS, claims({ jti: 'j', nbf: 'soon' })), 'The token nbf is not a NumericDate.'],
    ['a username that is not a string', () => signed(HS, claims({ jti: 'j', username: 5 })), 'The token username is malformed.'],
    ['no jti where token ids are required', () => signed(HS, claims()), 'The token has no id (jti).'],
  ];

  for (const [name, token, reason] of cases) {
    it(`${name}: "${reason}"`, async function () {
      expect(await reasonFor(auth, token())).to.equal(reason);
    });
  }

  describe('with per-user secrets (the payload is read before the signature, to find the key)', function () {
    const perUser = koaJwt(testConfig({ userSecrets: true }));
    after(() => perUser.close());

    it('a payload that is not JSON: "The token payload is not valid JSON."', async function () {
      expect(await reasonFor(perUser, signed(HS, 'not json'))).to.equal('The token payload is not valid JSON.');
    });

    it('a payload that is not an object: "The token payload is not a JSON object."', async function () {
      expect(await reasonFor(perUser, signed(HS, '[1]'))).to.equal('The token payload is not a JSON object.');
    });
  });
});
