import { expect } from 'chai';
import sinon from 'sinon';
import { type RecordedDriver, duplicateKey, recordDriver, unopenedConnection } from '../../helpers/mongoose-driver.js';

// The blacklist on MongoDB: each operation's whole filter, update and options as the driver gets them.

const COLLECTION = 'koajwt_blacklisted_tokens';
const NOW = new Date('2030-01-01T00:00:00Z');
const EXPIRES = new Date('2030-01-08T00:00:00Z');

describe('mongooseStore blacklist (driver calls)', () => {
  const connection = unopenedConnection();
  let driver: RecordedDriver;
  beforeEach(() => { driver = recordDriver(connection); });
  afterEach(() => sinon.restore());
  after(() => connection.close());

  describe('add', () => {
    it('is one upsert by tokenId that keeps the later expiresAt ($max) and sets the rest only on insert', async () => {
      await driver.store().blacklist.add({ tokenId: 'fam-1', user: 'u1', expiresAt: EXPIRES, blacklistedAt: NOW });
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'updateOne', args: [
        { tokenId: 'fam-1' },
        { $setOnInsert: { tokenId: 'fam-1', blacklistedAt: NOW, user: 'u1' }, $max: { expiresAt: EXPIRES } },
        { upsert: true },
      ] }]);
    });

    it('keeps the token itself when given, and sends no user when there is none', async () => {
      await driver.store().blacklist.add({ tokenId: 'sha256:ab', token: 'a.b.c', expiresAt: EXPIRES, blacklistedAt: NOW });
      expect(driver.sent.map((c) => c.args[1])).to.deep.equal([
        { $setOnInsert: { tokenId: 'sha256:ab', blacklistedAt: NOW, token: 'a.b.c' }, $max: { expiresAt: EXPIRES } },
      ]);
    });

    it('sends the same upsert once more when a concurrent add inserted the entry first (E11000), and no third time', async () => {
      driver.replies.updateOne = () => { throw duplicateKey(); };
      const error = await driver.store().blacklist.add({ tokenId: 'fam-1', expiresAt: EXPIRES, blacklistedAt: NOW }).catch((err: unknown) => err);
      expect(error).to.have.property('code', 11000);
      expect(driver.sent).to.have.length(2);
      expect(driver.sent[1]).to.deep.equal(driver.sent[0]);
    });

    it('resolves when the second upsert lands', async () => {
      let calls = 0;
      driver.replies.updateOne = () => { if (++calls === 1) throw duplicateKey(); return { acknowledged: true }; };
      await driver.store().blacklist.add({ tokenId: 'fam-1', expiresAt: EXPIRES, blacklistedAt: NOW });
      expect(driver.sent).to.have.length(2);
    });

    it('does not retry another failure', async () => {
      driver.replies.updateOne = () => { throw new Error('not primary'); };
      const error = await driver.store().blacklist.add({ tokenId: 'fam-1', expiresAt: EXPIRES, blacklistedAt: NOW }).catch((err: unknown) => err);
      expect(error).to.have.property('message', 'not primary');
      expect(driver.sent).to.have.length(1);
    });

    it('refuses a tokenId, token or user that is not a string before anything is sent', async () => {
      const entry = { tokenId: 'fam-1', expiresAt: EXPIRES, blacklistedAt: NOW };
      for (const [bad, message] of [
        [{ ...entry, tokenId: { $ne: null } }, 'mongooseStore: tokenId must be a string, got object'],
        [{ ...entry, token: 7 }, 'mongooseStore: token must be a string, got number'],
        [{ ...entry, user: null }, 'mongooseStore: user must be a string, got null'],
      ] as const) {
        const error = await driver.store().blacklist.add(bad as never).catch((err: unknown) => err);
        expect(error).to.be.instanceOf(TypeError).with.property('message', message);
      }
      expect(driver.sent).to.deep.equal([]);
    });
  });

  describe('isBlacklisted', () => {
    it('is one findOne over every id, projecting only _id', async () => {
      expect(await driver.store().blacklist.isBlacklisted(['jti-1', 'fam-1'])).to.equal(false);
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'findOne', args: [
        { tokenId: { $in: ['jti-1', 'fam-1'] } },
        { projection: { _id: 1 } },
      ] }]);
    });

    it('answers true when a document matches', async () => {
      driver.replies.findOne = () => ({ _id: 'x' });
      expect(await driver.store().blacklist.isBlacklisted(['jti-1'])).to.equal(true);
    });

    it('asks nothing for no ids', async () => {
      driver.replies.findOne = () => ({ _id: 'x' });
      expect(await driver.store().blacklist.isBlacklisted([])).to.equal(false);
      expect(driver.sent).to.deep.equal([]);
    });

    it('refuses an id that is not a string, naming its position', async () => {
      const error = await driver.store().blacklist.isBlacklisted(['ok', { $ne: null } as never]).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: tokenIds[1] must be a string, got object');
      expect(driver.sent).to.deep.equal([]);
    });
  });

  describe('deleteStale', () => {
    it('is one deleteMany of the entries that expired before now, answering how many', async () => {
      driver.replies.deleteMany = () => ({ acknowledged: true, deletedCount: 3 });
      expect(await driver.store().blacklist.deleteStale(NOW)).to.equal(3);
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'deleteMany', args: [{ expiresAt: { $lt: NOW } }, {}] }]);
    });

    it('answers 0 when the driver gives no count (an unacknowledged write)', async () => {
      driver.replies.deleteMany = () => ({ acknowledged: false });
      expect(await driver.store().blacklist.deleteStale(NOW)).to.equal(0);
    });
  });

  describe('listSince', () => {
    it('is one find of the entries still in force at `since` (expiring at it or later), reading only their tokenId', async () => {
      // $gte, not $gt: an entry expiring exactly at `since` is in force until then, as
      // deleteStale's $lt keeps it; $gt would let blacklist.cache drop it a moment early.
      driver.replies.find = () => [{ tokenId: 'a' }, { tokenId: 'b' }];
      expect(await driver.store().blacklist.listSince!(NOW)).to.deep.equal(['a', 'b']);
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'find', args: [
        { expiresAt: { $gte: NOW } },
        { projection: { tokenId: 1, _id: 0 } },
      ] }]);
    });
  });
});
