import { expect } from 'chai';
import { type ClaimRules, validateClaims } from '../../lib/tokens/claims.js';
import { TokenInvalidError } from '../../lib/errors.js';

// The edges of the claim rules, one value either side (docs/mutation.md: the mutation run moved
// these boundaries without a spec noticing).
describe('claim rules at their boundaries', () => {
  const rules: ClaimRules = { leeway: 0, verifyExpiration: true, maxLifetime: 300, requireTokenId: false };
  const at = 1_900_000_000;
  const valid = (extra: Record<string, unknown>) => () => validateClaims({ exp: at + 60, ...extra }, rules, at);

  it('jti and orig_jti: 1 to 255 characters', () => {
    for (const name of ['jti', 'orig_jti']) {
      expect(valid({ [name]: 'j'.repeat(255) }), `${name} of 255`).to.not.throw();
      expect(valid({ [name]: 'j' }), `${name} of 1`).to.not.throw();
      expect(valid({ [name]: 'j'.repeat(256) }), `${name} of 256`).to.throw(TokenInvalidError, /malformed/);
      expect(valid({ [name]: '' }), `empty ${name}`).to.throw(TokenInvalidError, /malformed/);
      expect(valid({ [name]: 7 }), `numeric ${name}`).to.throw(TokenInvalidError, /malformed/);
    }
  });

  it('orig_iat, when present, is a NumericDate', () => {
    expect(valid({ orig_iat: at })).to.not.throw();
    expect(valid({ orig_iat: String(at) })).to.throw(TokenInvalidError, /orig_iat/);
    expect(valid({ orig_iat: null })).to.throw(TokenInvalidError, /orig_iat/);
  });

  it('an exp that is missing says so; one that is not a number says that', () => {
    expect(() => validateClaims({}, rules, at)).to.throw(TokenInvalidError, /no expiry/);
    expect(() => validateClaims({ exp: String(at + 60) }, rules, at)).to.throw(TokenInvalidError, /NumericDate/);
  });

  it('with an issuer configured, a missing iss and a foreign one are both refused', () => {
    const withIss = { ...rules, issuer: ['https://auth.example'] };
    expect(() => validateClaims({ exp: at + 60 }, withIss, at)).to.throw(TokenInvalidError, /no issuer/);
    expect(() => validateClaims({ exp: at + 60, iss: 'https://evil.example' }, withIss, at)).to.throw(TokenInvalidError, /another issuer/);
  });

  it('with an audience configured, a missing aud and a malformed one say which', () => {
    const withAud = { ...rules, audience: ['api'] };
    expect(() => validateClaims({ exp: at + 60 }, withAud, at)).to.throw(TokenInvalidError, /no audience/);
    expect(() => validateClaims({ exp: at + 60, aud: [1] }, withAud, at)).to.throw(TokenInvalidError, /malformed/);
  });
});
