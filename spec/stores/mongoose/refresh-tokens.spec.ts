import { expect } from 'chai';
import sinon from 'sinon';
import { type RecordedDriver, recordDriver, unopenedConnection } from '../../helpers/mongoose-driver.js';

// Refresh tokens on MongoDB: each operation's whole filter, update and options as the driver
// gets them. Consume-once rests on one conditional findOneAndUpdate that sets consumedAt: without
// that $set a refresh token could be replayed forever, and only these documents would show it.

const COLLECTION = 'koajwt_refresh_tokens';
const NOW = new Date('2030-01-01T00:00:00Z');
const EXPIRES = new Date('2030-01-31T00:00:00Z');
const CONSUMED = new Date('2029-12-31T00:00:00Z');

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
    const familyLookup = { collection: COLLECTION, method: 'findOne', args: [{ family: 'fam-1', revokedAt: { $ne: null } }, { projection: { _id: 1 } }] };
    const replacement = (fields: Record<string, unknown>) => ({ collection: COLLECTION, method: 'replaceOne', args: [
      { jti: 'j2' },
      { jti: 'j2', family: 'fam-1', user: 'u1', expiresAt: EXPIRES, consumedAt: null, revokedAt: null, ...fields },
      { upsert: true },
    ] });

    it('asks whether the family is revoked, then upserts the whole record by jti, live', async () => {
      await driver.store().refreshTokens.save(record);
      expect(driver.sent).to.deep.equal([familyLookup, replacement({})]);
    });

    it('keeps a consumedAt it is given', async () => {
      await driver.store().refreshTokens.save({ ...record, consumedAt: CONSUMED });
      expect(driver.sent[1]).to.deep.equal(replacement({ consumedAt: CONSUMED }));
    });

    it('a token saved into a family revoked meanwhile is born revoked', async () => {
      const clock = sinon.useFakeTimers({ now: NOW, toFake: ['Date'] });
      try {
        driver.replies.findOne = () => ({ _id: 'x' });
        await driver.store().refreshTokens.save(record);
      } finally {
        clock.restore();
      }
      expect(driver.sent).to.deep.equal([familyLookup, replacement({ revokedAt: NOW })]);
    });

    it('refuses a family or user that is not a string before anything is sent', async () => {
      for (const [bad, message] of [
        [{ ...record, family: 1 }, 'mongooseStore: family must be a string, got number'],
        [{ ...record, user: undefined }, 'mongooseStore: user must be a string, got undefined'],
        [{ ...record, jti: ['j'] }, 'mongooseStore: jti must be a string, got object'],
      ] as const) {
        const error = await driver.store().refreshTokens.save(bad as never).catch((err: unknown) => err);
        expect(error).to.be.instanceOf(TypeError).with.property('message', message);
      }
      expect(driver.sent.filter((c) => c.method === 'replaceOne')).to.deep.equal([]);
    });
  });

  describe('revokeFamily', () => {
    it('is one updateMany that stamps revokedAt on every token of the family not revoked yet', async () => {
      await driver.store().refreshTokens.revokeFamily('fam-1', NOW);
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'updateMany', args: [
        { family: 'fam-1', revokedAt: null },
        { $set: { revokedAt: NOW } },
        {},
      ] }]);
    });

    it('refuses a family that is not a string before anything is sent', async () => {
      const error = await driver.store().refreshTokens.revokeFamily({ $ne: null } as never, NOW).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: family must be a string, got object');
      expect(driver.sent).to.deep.equal([]);
    });
  });

  describe('isFamilyRevoked', () => {
    const lookup = { collection: COLLECTION, method: 'findOne', args: [{ family: 'fam-1', revokedAt: { $ne: null } }, { projection: { _id: 1 } }] };

    it('is one findOne of a revoked token of the family', async () => {
      expect(await driver.store().refreshTokens.isFamilyRevoked('fam-1')).to.equal(false);
      expect(driver.sent).to.deep.equal([lookup]);
    });

    it('answers true when one matches', async () => {
      driver.replies.findOne = () => ({ _id: 'x' });
      expect(await driver.store().refreshTokens.isFamilyRevoked('fam-1')).to.equal(true);
    });
  });
});
