import { expect } from 'chai';
import sinon from 'sinon';
import { type DriverCall, type RecordedDriver, duplicateKey, recordDriver, unopenedConnection } from '../../helpers/mongoose-driver.js';

// Per-user secrets on MongoDB: each operation's whole filter, update and options as the driver gets them.

const COLLECTION = 'koajwt_user_secrets';
const NOW = new Date('2030-01-01T00:00:00Z');
const SECRET = /^[\w-]{43}$/; // 32 random bytes, base64url

/** The secret an update document carries (random: read back, then checked for its form). */
const secretOf = (call: DriverCall, operator: '$set' | '$setOnInsert') => ((call.args[1] as Record<string, Record<string, unknown>>)[operator]!.secret as string);

describe('mongooseStore user secrets (driver calls)', () => {
  const connection = unopenedConnection();
  let driver: RecordedDriver;
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    driver = recordDriver(connection);
    clock = sinon.useFakeTimers({ now: NOW, toFake: ['Date'] });
  });
  afterEach(() => {
    clock.restore();
    sinon.restore();
  });
  after(() => connection.close());

  describe('get', () => {
    it('is one findOneAndUpdate upsert that creates the secret only on insert and answers the stored one', async () => {
      driver.replies.findOneAndUpdate = () => ({ _id: 'x', user: 'u1', secret: 'stored', rotatedAt: NOW });
      expect(await driver.store().userSecrets.get('u1')).to.equal('stored');
      const secret = secretOf(driver.sent[0]!, '$setOnInsert');
      expect(secret).to.match(SECRET);
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'findOneAndUpdate', args: [
        { user: 'u1' },
        { $setOnInsert: { user: 'u1', secret, rotatedAt: NOW } },
        { upsert: true, returnDocument: 'after', returnOriginal: false },
      ] }]);
    });

    it('offers a new random secret each time (only the first insert keeps one)', async () => {
      driver.replies.findOneAndUpdate = () => ({ secret: 'stored' });
      await driver.store().userSecrets.get('u1');
      await driver.store().userSecrets.get('u1');
      expect(secretOf(driver.sent[0]!, '$setOnInsert')).to.not.equal(secretOf(driver.sent[1]!, '$setOnInsert'));
    });

    it('sends the upsert once more when a concurrent first call inserted first (E11000)', async () => {
      let calls = 0;
      driver.replies.findOneAndUpdate = () => { if (++calls === 1) throw duplicateKey(); return { secret: 'theirs' }; };
      expect(await driver.store().userSecrets.get('u1')).to.equal('theirs');
      expect(driver.sent.map((c) => [c.method, c.args[0]])).to.deep.equal([['findOneAndUpdate', { user: 'u1' }], ['findOneAndUpdate', { user: 'u1' }]]);
    });

    it('refuses a user that is not a string before anything is sent', async () => {
      const error = await driver.store().userSecrets.get({ $gt: '' } as never).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: user must be a string, got object');
      expect(driver.sent).to.deep.equal([]);
    });
  });

  describe('rotate', () => {
    it('is one updateOne upsert that sets a new secret and its time, and answers that secret', async () => {
      const secret = await driver.store().userSecrets.rotate('u1');
      expect(secret).to.match(SECRET);
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'updateOne', args: [
        { user: 'u1' },
        { $set: { secret, rotatedAt: NOW }, $setOnInsert: { user: 'u1' } },
        { upsert: true },
      ] }]);
    });

    it('sends the same upsert once more on E11000', async () => {
      let calls = 0;
      driver.replies.updateOne = () => { if (++calls === 1) throw duplicateKey(); return { acknowledged: true }; };
      const secret = await driver.store().userSecrets.rotate('u1');
      expect(driver.sent).to.have.length(2);
      expect(driver.sent[1]).to.deep.equal(driver.sent[0]);
      expect(secretOf(driver.sent[1]!, '$set')).to.equal(secret);
    });

    it('refuses a user that is not a string before anything is sent', async () => {
      const error = await driver.store().userSecrets.rotate(42 as never).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: user must be a string, got number');
      expect(driver.sent).to.deep.equal([]);
    });
  });
});
