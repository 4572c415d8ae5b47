import { expect } from 'chai';
import mongoose from 'mongoose';
import sinon from 'sinon';
import { byJti, byKid, byTokenIds, byUser, consumableJti } from '../../lib/stores/mongoose/filters.js';
import { storeModels } from '../../lib/stores/mongoose/models.js';
import { mongooseStore } from '../../lib/stores/mongoose/store.js';

// Schemas, indexes and query filters, checked without a MongoDB server: the connection is never
// opened, and Query#exec is replaced so that each query's operation and filter can be read.

const ATTACK = { $ne: null } as unknown as string;

interface Captured { op: string | undefined; model: string; filter: Record<string, unknown>; update: unknown }

describe('mongoose models (no server)', () => {
  const connection = mongoose.createConnection();
  const models = storeModels(connection);

  const indexOn = (model: mongoose.Model<any>, field: string) =>
    model.schema.indexes().find(([fields]) => Object.keys(fields).length === 1 && field in fields)?.[1] as Record<string, unknown> | undefined;

  after(async () => {
    await connection.close();
  });

  describe('indexes', () => {
    it('BlacklistedToken: unique tokenId, TTL on expiresAt (expireAfterSeconds 0)', () => {
      expect(indexOn(models.BlacklistedToken, 'tokenId')).to.include({ unique: true });
      expect(indexOn(models.BlacklistedToken, 'expiresAt')).to.include({ expireAfterSeconds: 0 });
    });

    it('UserSecret: unique user', () => {
      expect(indexOn(models.UserSecret, 'user')).to.include({ unique: true });
    });

    it('RefreshToken: unique jti, family indexed, TTL on expiresAt', () => {
      expect(indexOn(models.RefreshToken, 'jti')).to.include({ unique: true });
      expect(indexOn(models.RefreshToken, 'family')).to.not.equal(undefined);
      expect(indexOn(models.RefreshToken, 'expiresAt')).to.include({ expireAfterSeconds: 0 });
    });

    it('SigningKey: unique kid', () => {
      expect(indexOn(models.SigningKey, 'kid')).to.include({ unique: true });
    });

    it('AttemptCounter: unique key, TTL on expiresAt (a counter goes when its window ends)', () => {
      expect(indexOn(models.AttemptCounter, 'key')).to.include({ unique: true });
      expect(indexOn(models.AttemptCounter, 'expiresAt')).to.include({ expireAfterSeconds: 0 });
      expect(models.AttemptCounter.collection.collectionName).to.equal('koajwt_attempt_counters');
    });
  });

  describe('schemas', () => {
    it('have the fields of the design, typed', () => {
      const types = (model: mongoose.Model<any>) => Object.fromEntries(Object.entries(model.schema.paths).map(([p, t]) => [p, (t as { instance: string }).instance]));
      expect(types(models.BlacklistedToken)).to.include({ tokenId: 'String', token: 'String', user: 'String', expiresAt: 'Date', blacklistedAt: 'Date' });
      expect(types(models.UserSecret)).to.include({ user: 'String', secret: 'String', rotatedAt: 'Date' });
      expect(types(models.RefreshToken)).to.include({ jti: 'String', family: 'String', user: 'String', expiresAt: 'Date', consumedAt: 'Date' });
      expect(types(models.AttemptCounter)).to.include({ key: 'String', count: 'Number', expiresAt: 'Date' });
      expect(types(models.SigningKey)).to.include({ kid: 'String', alg: 'String', state: 'String', privateJwk: 'Mixed', createdAt: 'Date', activatesAt: 'Date', retiredAt: 'Date', notAfter: 'Date' });
    });

    it('refuse a document missing a required field, and a key state outside next/active/retired', () => {
      expect(new models.BlacklistedToken({ token: 'x' }).validateSync()?.errors).to.have.keys('tokenId', 'expiresAt', 'blacklistedAt');
      const key = new models.SigningKey({ kid: 'k', alg: 'ES256', state: 'revoked', privateJwk: {}, createdAt: new Date() });
      expect(key.validateSync()?.errors).to.have.property('state');
    });

    it('are registered once per connection', () => {
      expect(storeModels(connection).BlacklistedToken).to.equal(models.BlacklistedToken);
    });
  });

  describe('filters', () => {
    it('never let an attacker\'s object become an operator: a non-string kid or jti is refused', () => {
      expect(() => byKid(ATTACK)).to.throw(TypeError, /kid must be a string/);
      expect(() => byJti(ATTACK)).to.throw(TypeError, /jti must be a string/);
      expect(() => byUser(ATTACK)).to.throw(TypeError);
      expect(() => byTokenIds(['ok', ATTACK])).to.throw(TypeError, /tokenIds\[1\]/);
    });

    it('build plain equality filters from strings', () => {
      expect(models.SigningKey.findOne(byKid('2026-11')).getFilter()).to.deep.equal({ kid: '2026-11' });
      expect(models.RefreshToken.findOne(consumableJti('j1')).getFilter()).to.deep.equal({ jti: 'j1', consumedAt: null, revokedAt: null });
      expect(models.BlacklistedToken.find(byTokenIds(['a', 'b'])).getFilter()).to.deep.equal({ tokenId: { $in: ['a', 'b'] } });
    });

    it('keep a string that starts with $ a plain value', () => {
      expect(models.SigningKey.findOne(byKid('$ne')).getFilter()).to.deep.equal({ kid: '$ne' });
    });
  });

  describe('mongooseStore queries', () => {
    let captured: Captured[];
    let answer: unknown;
    beforeEach(() => {
      captured = [];
      answer = null;
      sinon.stub(mongoose.Query.prototype, 'exec').callsFake(function (this: mongoose.Query<unknown, unknown>) {
        const op = (this as unknown as { op?: string }).op;
        captured.push({ op, model: this.model.modelName, filter: this.getFilter(), update: this.getUpdate() });
        return Promise.resolve(typeof answer === 'function' ? (answer as (op?: string) => unknown)(op) : answer);
      });
    });
    afterEach(() => sinon.restore());

    const store = () => mongooseStore(connection);

    it('isBlacklisted is one exists() over every id', async () => {
      expect(await store().blacklist.isBlacklisted(['jti-1', 'fam-1'])).to.equal(false);
      expect(captured).to.have.length(1);
      expect(captured[0]!.filter).to.deep.equal({ tokenId: { $in: ['jti-1', 'fam-1'] } });
    });

    it('add is one upsert that keeps the later expiresAt ($max) and sets the rest only on insert', async () => {
      const expiresAt = new Date('2030-01-01T00:00:00Z');
      await store().blacklist.add({ tokenId: 'fam-1', user: '1', expiresAt, blacklistedAt: new Date() });
      expect(captured[0]!.op).to.equal('updateOne');
      expect(captured[0]!.filter).to.deep.equal({ tokenId: 'fam-1' });
      const update = captured[0]!.update as Record<string, Record<string, unknown>>;
      expect(update.$max).to.deep.equal({ expiresAt });
      expect(update.$setOnInsert).to.include({ tokenId: 'fam-1', user: '1' });
    });

    it('consume is one atomic findOneAndUpdate conditioned on consumedAt: null', async () => {
      answer = { _id: 'x' };
      expect(await store().refreshTokens.consume('j1', new Date())).to.equal('consumed');
      expect(captured).to.have.length(1);
      expect(captured[0]!.op).to.equal('findOneAndUpdate');
      expect(captured[0]!.filter).to.deep.equal({ jti: 'j1', consumedAt: null, revokedAt: null });
    });

    describe('consume tells a lost race from a revoked family (issue 11.8: swapping them failed no spec)', () => {
      const lost = (doc: unknown) => (op?: string) => (op === 'findOneAndUpdate' ? null : doc);

      it('a token already consumed, in a live family, is reused', async () => {
        answer = lost({ consumedAt: new Date(), revokedAt: null });
        expect(await store().refreshTokens.consume('j1', new Date())).to.equal('reused');
      });

      it('a token of a revoked family is revoked, consumed or not', async () => {
        answer = lost({ consumedAt: null, revokedAt: new Date() });
        expect(await store().refreshTokens.consume('j1', new Date())).to.equal('revoked');
        answer = lost({ consumedAt: new Date(), revokedAt: new Date() });
        expect(await store().refreshTokens.consume('j1', new Date())).to.equal('revoked');
      });

      it('a token the store never saw is unknown', async () => {
        answer = lost(null);
        expect(await store().refreshTokens.consume('j1', new Date())).to.equal('unknown');
      });
    });

    describe('save into a family revoked meanwhile (issue 11.8: saving it live failed no spec)', () => {
      const record = { jti: 'j2', family: 'fam-1', user: '1', expiresAt: new Date('2030-01-01T00:00:00Z') };
      const replacement = () => captured.find((c) => c.op === 'replaceOne')!.update as Record<string, unknown>;

      it('is born revoked', async () => {
        answer = (op?: string) => (op === 'findOne' ? { _id: 'x' } : null); // exists() is a findOne
        await store().refreshTokens.save(record);
        expect(captured[0]!.filter).to.deep.equal({ family: 'fam-1', revokedAt: { $ne: null } });
        expect(replacement().revokedAt).to.be.instanceOf(Date);
      });

      it('in a live family it is saved live (the control)', async () => {
        answer = null;
        await store().refreshTokens.save(record);
        expect(replacement().revokedAt).to.equal(null);
      });
    });

    it('refuses an attacker object as jti, kid or user before any query is sent', async () => {
      const s = store();
      for (const call of [
        () => s.refreshTokens.consume(ATTACK, new Date()),
        () => s.signingKeys.remove(ATTACK),
        () => s.signingKeys.update(ATTACK, { state: 'retired' }),
        () => s.userSecrets.get(ATTACK),
        () => s.blacklist.isBlacklisted([ATTACK]),
      ]) {
        let error: unknown;
        await call().catch((err: unknown) => { error = err; });
        expect(error).to.be.instanceOf(TypeError);
      }
      expect(captured).to.have.length(0);
    });

    it('an attempt is one atomic upsert: an update pipeline that counts inside the window and restarts past it', async () => {
      const now = new Date('2030-01-01T00:00:00Z');
      const resetAt = new Date('2030-01-01T00:15:00Z');
      answer = { count: 3, expiresAt: resetAt };
      expect(await store().attempts!.hit('login:username:abc', 15 * 60_000, now)).to.deep.equal({ count: 3, resetAt });
      expect(captured).to.have.length(1);
      expect(captured[0]!.op).to.equal('findOneAndUpdate');
      expect(captured[0]!.filter).to.deep.equal({ key: 'login:username:abc' });
      const open = { $gt: ['$expiresAt', now] };
      expect(captured[0]!.update).to.deep.equal([{ $set: {
        count: { $cond: [open, { $add: ['$count', 1] }, 1] },
        expiresAt: { $cond: [open, '$expiresAt', new Date('2030-01-01T00:15:00Z')] },
      } }]);
    });

    it('undo decrements only an open window above zero; reset deletes the key', async () => {
      const now = new Date('2030-01-01T00:00:00Z');
      await store().attempts!.undo('k', now);
      expect(captured[0]!.op).to.equal('updateOne');
      expect(captured[0]!.filter).to.deep.equal({ key: 'k', expiresAt: { $gt: now }, count: { $gt: 0 } });
      expect(captured[0]!.update).to.deep.equal({ $inc: { count: -1 } });
      await store().attempts!.reset('k');
      expect(captured[1]!.op).to.equal('deleteOne');
      expect(captured[1]!.filter).to.deep.equal({ key: 'k' });
    });

    it('refuses an attacker object as an attempt key before any query is sent', async () => {
      for (const call of [() => store().attempts!.hit(ATTACK, 1000, new Date()), () => store().attempts!.reset(ATTACK), () => store().attempts!.undo(ATTACK, new Date())]) {
        let error: unknown;
        await call().catch((err: unknown) => { error = err; });
        expect(error).to.be.instanceOf(TypeError);
      }
      expect(captured).to.have.length(0);
    });

    it('update sets only the signing key fields it knows', async () => {
      await store().signingKeys.update('k1', { state: 'retired', kid: 'other', $where: 'x' } as never);
      expect(captured[0]!.filter).to.deep.equal({ kid: 'k1' });
      expect(captured[0]!.update).to.deep.equal({ $set: { state: 'retired' } });
    });
  });
});
