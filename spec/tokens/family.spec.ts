import { expect } from 'chai';
import { familyIdOf, firstFamilyId, latestFamilyExpiry, tokenHashId } from '../../lib/tokens/family.js';

// The family's id and deadlines (lib/tokens/family.ts), as the revocation entries use them.
describe('refresh families', () => {
  const config = (allow: boolean, leeway = 0) => ({
    token: { leeway, maxLifetime: 300 }, refresh: { allow, expiresIn: 3600 },
  }) as never;

  describe('latestFamilyExpiry', () => {
    it('is the family deadline plus a full lifetime plus leeway, for a member of a family', () => {
      expect(latestFamilyExpiry({ exp: 1300, orig_iat: 1000 }, config(true, 30))).to.equal(1000 + 3600 + 300 + 30);
    });

    it('is the token\'s own exp plus leeway without refresh, or without orig_iat', () => {
      expect(latestFamilyExpiry({ exp: 1300, orig_iat: 1000 }, config(false, 30))).to.equal(1330);
      expect(latestFamilyExpiry({ exp: 1300 }, config(true, 30))).to.equal(1330);
    });

    it('never ends before the token\'s own exp (a token that outlives its family deadline)', () => {
      expect(latestFamilyExpiry({ exp: 99_999, orig_iat: 1000 }, config(true))).to.equal(99_999);
    });
  });

  describe('familyIdOf', () => {
    it('prefers orig_jti, then jti, then the hash of the token given', () => {
      expect(familyIdOf({ exp: 1, jti: 'b', orig_jti: 'a' })).to.equal('a');
      expect(familyIdOf({ exp: 1, jti: 'b' }, 'x.y.z')).to.equal('b');
      expect(familyIdOf({ exp: 1 }, 'x.y.z')).to.equal(tokenHashId('x.y.z'));
      expect(familyIdOf({ exp: 1 })).to.equal(undefined);
    });
  });

  describe('firstFamilyId', () => {
    it('is a new id only for a first token without jti, and only when refresh is allowed', () => {
      expect(firstFamilyId(undefined, config(true))).to.be.a('string');
      expect(firstFamilyId('a-jti', config(true))).to.equal(undefined);
      expect(firstFamilyId(undefined, config(false))).to.equal(undefined);
    });
  });
});
