import { expect } from 'chai';
import sinon from 'sinon';
import { type RecordedDriver, duplicateKey, recordDriver, unopenedConnection } from '../../helpers/mongoose-driver.js';

// Refresh tokens on MongoDB: each operation's whole filter, update and options as the driver
// gets them. Consume-once rests on one conditional findOneAndUpdate that sets consumedAt: without
// that $set a refresh token could be replayed forever, and only these documents would show it.

const COLLECTION = 'koajwt_refresh_tokens';
const FAMILIES = 'koajwt_revoked_families';
const NOW = new Date('2030-01-01T00:00:00Z');
const EXPIRES = new Date('2030-01-31T00:00:00Z');
const CONSUMED = new Date('2029-12-31T00:00:00Z');
const REVOKED = new Date('2029-12-31T12:00:00Z');

/** The one lookup of a family's revocation record. */
const familyRecord = (projection: Record<string, number>) => ({ collection: FAMILIES, method: 'findOne', args: [{ family: 'fam-1' }, { projection }] });

describe('mongooseStore refresh tokens (driver calls)', () => {
  const connection = unopenedConnection();
  let driver: RecordedDriver;
  beforeEach(() => { driver = recordDriver(connection); });
  afterEach(() => sinon.restore());
  after(() => connection.close());

  describe('consume', () => {
    const consumeCall = {
      collection: COLLECTION, method: 'findOneAndUpdate', args: [
        { jti: 'j1', consumedAt: null, revokedAt: null },
        { $set: { consumedAt: NOW } },
        { projection: { _id: 1 }, returnDocument: 'before', returnOriginal: true },
      ],
    };
    const lookupCall = { collection: COLLECTION, method: 'findOne', args: [{ jti: 'j1' }, { projection: { revokedAt: 1, consumedAt: 1 } }] };

    it('is one atomic findOneAndUpdate: the token not consumed in a live family gets consumedAt', async () => {
      driver.replies.findOneAndUpdate = () => ({ _id: 'x' });
      expect(await driver.store().refreshTokens.consume('j1', NOW)).to.equal('consumed');
      expect(driver.sent).to.deep.equal([consumeCall]);
    });

    it('when nothing matched, reads the token to tell why: consumed in a live family is reused', async () => {
      driver.replies.findOne = () => ({ _id: 'x', consumedAt: CONSUMED, revokedAt: null });
      expect(await driver.store().refreshTokens.consume('j1', NOW)).to.equal('reused');
      expect(driver.sent).to.deep.equal([consumeCall, lookupCall]);
    });

    it('a token of a revoked family is revoked, consumed or not', async () => {
      driver.replies.findOne = () => ({ _id: 'x', consumedAt: null, revokedAt: CONSUMED });
      expect(await driver.store().refreshTokens.consume('j1', NOW)).to.equal('revoked');
      driver.replies.findOne = () => ({ _id: 'x', consumedAt: CONSUMED, revokedAt: CONSUMED });
      expect(await driver.store().refreshTokens.consume('j1', NOW)).to.equal('revoked');
    });

    it('a token the store never saw is unknown', async () => {
      expect(await driver.store().refreshTokens.consume('j1', NOW)).to.equal('unknown');
      expect(driver.sent).to.deep.equal([consumeCall, lookupCall]);
    });

    it('refuses a jti that is not a string before anything is sent', async () => {
      const error = await driver.store().refreshTokens.consume({ $ne: null } as never, NOW).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: jti must be a string, got object');
      expect(driver.sent).to.deep.equal([]);
    });
  });

  describe('save', () => {
    const record = { jti: 'j2', family: 'fam-1', user: 'u1', expiresAt: EXPIRES };
    const replacement = (fields: Record<string, unknown>) => ({ collection: COLLECTION, method: 'replaceOne', args: [
      { jti: 'j2' },
      { jti: 'j2', family: 'fam-1', user: 'u1', expiresAt: EXPIRES, consumedAt: null, revokedAt: null, ...fields },
      { upsert: true },
    ] });

    it('upserts the whole record by jti, live, then asks whether its family is revoked', async () => {
      await driver.store().refreshTokens.save(record);
      expect(driver.sent).to.deep.equal([replacement({}), familyRecord({ revokedAt: 1, _id: 0 })]);
    });

    it('keeps a consumedAt it is given', async () => {
      await driver.store().refreshTokens.save({ ...record, consumedAt: CONSUMED });
      expect(driver.sent[0]).to.deep.equal(replacement({ consumedAt: CONSUMED }));
    });

    it('a token saved into a revoked family is born revoked: stamped with the family\'s revokedAt', async () => {
      // Written first, checked after: a revokeFamily between the two stamps the token itself.
      driver.replies.findOne = (call) => (call.collection === FAMILIES ? { revokedAt: REVOKED } : null);
      await driver.store().refreshTokens.save(record);
      expect(driver.sent).to.deep.equal([replacement({}), familyRecord({ revokedAt: 1, _id: 0 }), { collection: COLLECTION, method: 'updateOne', args: [
        { jti: 'j2', revokedAt: null },
        { $set: { revokedAt: REVOKED } },
        {},
      ] }]);
    });

    it('refuses a jti, family or user that is not a string before anything is sent', async () => {
      for (const [bad, message] of [
        [{ ...record, family: 1 }, 'mongooseStore: family must be a string, got number'],
        [{ ...record, user: undefined }, 'mongooseStore: user must be a string, got undefined'],
        [{ ...record, jti: ['j'] }, 'mongooseStore: jti must be a string, got object'],
      ] as const) {
        const error = await driver.store().refreshTokens.save(bad as never).catch((err: unknown) => err);
        expect(error).to.be.instanceOf(TypeError).with.property('message', message);
      }
      expect(driver.sent).to.deep.equal([]);
    });
  });

  describe('revokeFamily', () => {
    const familyUpsert = (expiresAt: Date) => ({ collection: FAMILIES, method: 'updateOne', args: [
      { family: 'fam-1' },
      { $setOnInsert: { family: 'fam-1', revokedAt: NOW }, $max: { expiresAt } },
      { upsert: true },
    ] });
    const stamp = { collection: COLLECTION, method: 'updateMany', args: [
      { family: 'fam-1', revokedAt: null },
      { $set: { revokedAt: NOW } },
      {},
    ] };

    it('records the family itself until expiresAt, never shortened ($max), then stamps its saved tokens', async () => {
      // The record, not the tokens, keeps the revocation: a family revoked before any of its
      // tokens is saved, or whose saved tokens expire before expiresAt, stays revoked until then.
      await driver.store().refreshTokens.revokeFamily('fam-1', NOW, EXPIRES);
      expect(driver.sent).to.deep.equal([familyUpsert(EXPIRES), stamp]);
    });

    it('keeps a family revoked without expiresAt for seven days', async () => {
      await driver.store().refreshTokens.revokeFamily('fam-1', NOW);
      expect(driver.sent).to.deep.equal([familyUpsert(new Date('2030-01-08T00:00:00Z')), stamp]);
    });

    it('sends the family upsert once more when a concurrent revocation inserted it first (E11000), then stamps', async () => {
      let calls = 0;
      driver.replies.updateOne = () => { if (++calls === 1) throw duplicateKey(); return { acknowledged: true }; };
      await driver.store().refreshTokens.revokeFamily('fam-1', NOW, EXPIRES);
      expect(driver.sent).to.deep.equal([familyUpsert(EXPIRES), familyUpsert(EXPIRES), stamp]);
    });

    it('refuses a family that is not a string before anything is sent', async () => {
      const error = await driver.store().refreshTokens.revokeFamily({ $ne: null } as never, NOW, EXPIRES).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: family must be a string, got object');
      expect(driver.sent).to.deep.equal([]);
    });
  });

  describe('isFamilyRevoked', () => {
    const stampedToken = { collection: COLLECTION, method: 'findOne', args: [{ family: 'fam-1', revokedAt: { $ne: null } }, { projection: { _id: 1 } }] };

    it('asks for the family\'s record, then for a token of it stamped revoked', async () => {
      expect(await driver.store().refreshTokens.isFamilyRevoked('fam-1')).to.equal(false);
      expect(driver.sent).to.deep.equal([familyRecord({ _id: 1 }), stampedToken]);
    });

    it('answers true from the family\'s record alone: a family revoked before any of its tokens was saved', async () => {
      driver.replies.findOne = (call) => (call.collection === FAMILIES ? { _id: 'x' } : null);
      expect(await driver.store().refreshTokens.isFamilyRevoked('fam-1')).to.equal(true);
      expect(driver.sent).to.deep.equal([familyRecord({ _id: 1 })]);
    });

    it('answers true for a token stamped revoked (a family revoked before families were recorded)', async () => {
      driver.replies.findOne = (call) => (call.collection === COLLECTION ? { _id: 'x' } : null);
      expect(await driver.store().refreshTokens.isFamilyRevoked('fam-1')).to.equal(true);
    });

    it('refuses a family that is not a string before anything is sent', async () => {
      const error = await driver.store().refreshTokens.isFamilyRevoked(['fam-1'] as never).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: family must be a string, got object');
      expect(driver.sent).to.deep.equal([]);
    });
  });
});
