import { expect } from 'chai';
import mongoose from 'mongoose';
import sinon from 'sinon';
import { type RecordedDriver, duplicateKey, recordDriver, unopenedConnection } from '../../helpers/mongoose-driver.js';

// Managed signing keys on MongoDB: each operation's whole filter, update and options as the driver gets them.

const COLLECTION = 'koajwt_signing_keys';
const CREATED = new Date('2030-01-01T00:00:00Z');
const ACTIVATES = new Date('2030-01-02T00:00:00Z');
const RETIRED = new Date('2030-02-01T00:00:00Z');
const NOT_AFTER = new Date('2030-03-01T00:00:00Z');
const JWK = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' };

describe('mongooseStore signing keys (driver calls)', () => {
  const connection = unopenedConnection();
  let driver: RecordedDriver;
  beforeEach(() => { driver = recordDriver(connection); });
  afterEach(() => sinon.restore());
  after(() => connection.close());

  describe('list', () => {
    it('is one find of every key, oldest first, answered as stored keys (no _id, no empty dates)', async () => {
      driver.replies.find = () => [
        { _id: 'a', kid: 'k1', alg: 'ES256', state: 'retired', privateJwk: JWK, createdAt: CREATED, activatesAt: ACTIVATES, retiredAt: RETIRED, notAfter: NOT_AFTER },
        { _id: 'b', kid: 'k2', alg: 'ES256', state: 'next', privateJwk: 'envelope', createdAt: ACTIVATES },
      ];
      expect(await driver.store().signingKeys!.list()).to.deep.equal([
        { kid: 'k1', alg: 'ES256', state: 'retired', privateJwk: JWK, createdAt: CREATED, activatesAt: ACTIVATES, retiredAt: RETIRED, notAfter: NOT_AFTER },
        { kid: 'k2', alg: 'ES256', state: 'next', privateJwk: 'envelope', createdAt: ACTIVATES },
      ]);
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'find', args: [{}, { sort: { createdAt: 1 } }] }]);
    });
  });

  describe('insert', () => {
    const key = { kid: 'k1', alg: 'ES256', state: 'next' as const, privateJwk: JWK, createdAt: CREATED, activatesAt: ACTIVATES };

    it('is one insertOne of the whole key, answering true', async () => {
      expect(await driver.store().signingKeys!.insert(key)).to.equal(true);
      expect(driver.sent).to.have.length(1);
      const [document, options] = driver.sent[0]!.args as [Record<string, unknown>, unknown];
      const { _id, ...fields } = document;
      expect(_id).to.be.instanceOf(mongoose.Types.ObjectId);
      expect({ ...driver.sent[0], args: [fields, options] }).to.deep.equal({ collection: COLLECTION, method: 'insertOne', args: [key, {}] });
    });

    it('sends every optional date it is given', async () => {
      await driver.store().signingKeys!.insert({ ...key, state: 'retired', retiredAt: RETIRED, notAfter: NOT_AFTER });
      const { _id, ...fields } = driver.sent[0]!.args[0] as Record<string, unknown>;
      expect(fields).to.deep.equal({ ...key, state: 'retired', retiredAt: RETIRED, notAfter: NOT_AFTER });
    });

    it('answers false when the kid is taken (E11000): another instance inserted that slot first', async () => {
      driver.replies.insertOne = () => { throw duplicateKey(); };
      expect(await driver.store().signingKeys!.insert(key)).to.equal(false);
      expect(driver.sent).to.have.length(1);
    });

    it('lets any other failure through', async () => {
      driver.replies.insertOne = () => { throw new Error('not primary'); };
      const error = await driver.store().signingKeys!.insert(key).catch((err: unknown) => err);
      expect(error).to.have.property('message', 'not primary');
    });

    it('refuses a kid that is not a string before anything is sent', async () => {
      const error = await driver.store().signingKeys!.insert({ ...key, kid: { $ne: null } } as never).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: kid must be a string, got object');
      expect(driver.sent).to.deep.equal([]);
    });
  });

  describe('update', () => {
    it('is one updateOne by kid that $sets only the fields given (it merges, never replaces)', async () => {
      await driver.store().signingKeys!.update('k1', { state: 'retired', retiredAt: RETIRED });
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'updateOne', args: [
        { kid: 'k1' },
        { $set: { state: 'retired', retiredAt: RETIRED } },
        {},
      ] }]);
    });

    it('sends every field of a key but its kid, and nothing it does not know', async () => {
      const fields = { alg: 'ES384', state: 'active', privateJwk: 'envelope', createdAt: CREATED, activatesAt: ACTIVATES, retiredAt: RETIRED, notAfter: NOT_AFTER };
      await driver.store().signingKeys!.update('k1', { ...fields, kid: 'other', $where: 'sleep(1000)' } as never);
      expect(driver.sent.map((c) => c.args[1])).to.deep.equal([{ $set: fields }]);
    });

    it('sends nothing when no field is given', async () => {
      await driver.store().signingKeys!.update('k1', { retiredAt: undefined });
      expect(driver.sent).to.deep.equal([]);
    });

    it('refuses a kid that is not a string before anything is sent', async () => {
      const error = await driver.store().signingKeys!.update({ $ne: null } as never, { state: 'retired' }).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: kid must be a string, got object');
      expect(driver.sent).to.deep.equal([]);
    });

    it('refuses a kid that is not a string even when no field is given', async () => {
      const error = await driver.store().signingKeys!.update(42 as never, {}).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError).with.property('message', 'mongooseStore: kid must be a string, got number');
    });
  });

  describe('remove', () => {
    it('is one deleteOne by kid', async () => {
      await driver.store().signingKeys!.remove('k1');
      expect(driver.sent).to.deep.equal([{ collection: COLLECTION, method: 'deleteOne', args: [{ kid: 'k1' }, {}] }]);
    });

    it('refuses a kid that is not a string before anything is sent', async () => {
      const error = await driver.store().signingKeys!.remove({ $ne: null } as never).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(TypeError);
      expect(driver.sent).to.deep.equal([]);
    });
  });
});
