import { expect } from 'chai';
import sinon from 'sinon';
import { type RecordedDriver, recordDriver, unopenedConnection } from '../../helpers/mongoose-driver.js';

// The application owns the connection and its settings; the store's documents must not depend on them.

const NOW = new Date('2030-01-01T00:00:00Z');

describe('mongooseStore on an application\'s connection', () => {
  afterEach(() => sinon.restore());

  describe('with sanitizeFilter on (mongoose\'s guard against query injection)', () => {
    // sanitizeFilter wraps every operator object of a filter in $eq: the store's own $in, $lt,
    // $gt, $gte and $ne would become values no document equals, and a revoked token would pass.
    const connection = unopenedConnection({ sanitizeFilter: true });
    let driver: RecordedDriver;
    beforeEach(() => { driver = recordDriver(connection); });
    after(() => connection.close());

    it('sends the store\'s operators as operators', async () => {
      const store = driver.store();
      await store.blacklist.isBlacklisted(['jti-1', 'fam-1']);
      await store.blacklist.deleteStale(NOW);
      await store.blacklist.listSince!(NOW);
      await store.refreshTokens.isFamilyRevoked('fam-1');
      await store.attempts!.undo('k', NOW);
      expect(driver.sent.map((c) => c.args[0])).to.deep.equal([
        { tokenId: { $in: ['jti-1', 'fam-1'] } },
        { expiresAt: { $lt: NOW } },
        { expiresAt: { $gte: NOW } },
        { family: 'fam-1' },
        { family: 'fam-1', revokedAt: { $ne: null } },
        { key: 'k', expiresAt: { $gt: NOW }, count: { $gt: 0 } },
      ]);
    });

    it('still sends a string that looks like an operator as a plain value', async () => {
      await driver.store().signingKeys!.remove('$ne');
      expect(driver.sent.map((c) => c.args[0])).to.deep.equal([{ kid: '$ne' }]);
    });
  });

  describe('on mongoose 9', () => {
    const connection = unopenedConnection();
    let driver: RecordedDriver;
    beforeEach(() => { driver = recordDriver(connection); });
    after(() => connection.close());

    it('uses no deprecated option: no warning on consume, hit or a first secret', async () => {
      // Mongoose 9 warns on every findOneAndUpdate that still says `new`: one line per refresh.
      const warn = sinon.spy(process, 'emitWarning');
      driver.replies.findOneAndUpdate = () => ({ _id: 'x', count: 1, expiresAt: NOW, secret: 's' });
      const store = driver.store();
      await store.refreshTokens.consume('j1', NOW);
      await store.attempts!.hit('k', 1000, NOW);
      await store.userSecrets.get('u1');
      expect(warn.args.map((args) => String(args[0]))).to.deep.equal([]);
    });
  });

  describe('timeout', () => {
    const connection = unopenedConnection();
    after(() => connection.close());

    it('is the store\'s deadline per call when given, and left to the default otherwise', () => {
      const driver = recordDriver(connection);
      expect(driver.store({ timeout: 1500 }).timeout).to.equal(1500);
      expect(driver.store()).to.not.have.property('timeout');
    });
  });
});
