import { expect } from 'chai';
import sinon from 'sinon';
import { type RecordedDriver, duplicateKey, recordDriver, unopenedConnection } from '../../helpers/mongoose-driver.js';

// Login attempt counters on MongoDB: each operation's whole filter, update and options as the
// driver gets them. A hit is one upsert: without `upsert: true` a first attempt finds no
// counter, the store answers nothing, and every login fails.

const COLLECTION = 'koajwt_attempt_counters';
const NOW = new Date('2030-01-01T00:00:00Z');
const WINDOW = 15 * 60_000;
const RESET = new Date('2030-01-01T00:15:00Z');

describe('mongooseStore attempt counters (driver calls)', () => {
  const connection = unopenedConnection();
  let driver: RecordedDriver;
  beforeEach(() => { driver = recordDriver(connection); });
  afterEach(() => sinon.restore());
  after(() => connection.close());

  describe('hit', () => {
    const open = { $gt: ['$expiresAt', NOW] };
    const hitCall = { collection: COLLECTION, method: 'findOneAndUpdate', args: [
      { key: 'login:username:abc' },
      // One update pipeline: inside the window the count goes up by one; past it (or for a new
      // key, whose missing expiresAt sorts before any date) the window restarts at 1.
      [{ $set: {
        count: { $cond: [open, { $add: ['$count', 1] }, 1] },
        expiresAt: { $cond: [open, '$expiresAt', RESET] },
      } }],
      { upsert: true, projection: { count: 1, expiresAt: 1 }, returnDocument: 'after', returnOriginal: false },
    ] };

    it('is one findOneAndUpdate upsert of an update pipeline, answering the count and window after it', async () => {
      driver.replies.findOneAndUpdate = () => ({ _id: 'x', count: 3, expiresAt: RESET });
      expect(await driver.store().attempts!.hit('login:username:abc', WINDOW, NOW)).to.deep.equal({ count: 3, resetAt: RESET });
      expect(driver.sent).to.deep.equal([hitCall]);
    });

    it('sends the same upsert once more when a concurrent first hit inserted the key first (E11000)', async () => {
      let calls = 0;
      driver.replies.findOneAndUpdate = () => { if (++calls === 1) throw duplicateKey(); return { count: 2, expiresAt: RESET }; };
      expect(await driver.store().attempts!.hit('login:username:abc', WINDOW, NOW)).to.deep.equal({ count: 2, resetAt: RESET });
      expect(driver.sent).to.deep.equal([hitCall, hitCall]);
    });

    it('refuses a window that is not a positive number before anything is sent', async () => {
      for (const windowMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        const error = await driver.store().attempts!.hit('k', windowMs, NOW).catch((err: unknown) => err);
        expect(error, String(windowMs)).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: windowMs must be a positive number');
      }
      expect(driver.sent).to.deep.equal([]);
    });

    it('refuses a key that is not a string before anything is sent', async () => {
      const error = await driver.store().attempts!.hit({ $ne: null } as never, WINDOW, NOW).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: key must be a string, got object');
      expect(driver.sent).to.deep.equal([]);
    });
  });

  describe('undo', () => {
    it('is one updateOne that takes one back from a counter whose window is open and above zero', async () => {
      await driver.store().attempts!.undo('k', NOW);
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'updateOne', args: [
        { key: 'k', expiresAt: { $gt: NOW }, count: { $gt: 0 } },
        { $inc: { count: -1 } },
        {},
      ] }]);
    });
  });

  describe('reset', () => {
    it('is one deleteOne by key', async () => {
      await driver.store().attempts!.reset('k');
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'deleteOne', args: [{ key: 'k' }, {}] }]);
    });

    it('refuses a key that is not a string, for undo too, before anything is sent', async () => {
      for (const call of [() => driver.store().attempts!.reset(['k'] as never), () => driver.store().attempts!.undo(null as never, NOW)]) {
        expect(await call().catch((err: unknown) => err)).to.be.instanceOf(TypeError);
      }
      expect(driver.sent).to.deep.equal([]);
    });
  });
});
