import { expect } from 'chai';
import mongoose from 'mongoose';
import { byFamily, byJti, byKey, byKid, byTokenId, byTokenIds, byUser, consumableJti } from '../../lib/stores/mongoose/filters.js';
import { storeModels } from '../../lib/stores/mongoose/models.js';
import { wire } from '../helpers/mongoose-driver.js';

// Schemas, indexes and query filters, checked without a MongoDB server (the connection is never
// opened). What each store operation sends the driver: spec/stores/mongoose/.

const ATTACK = { $ne: null } as unknown as string;

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

    it('RevokedFamily: unique family, TTL on expiresAt (kept until the family\'s last token can have expired, never less)', () => {
      expect(indexOn(models.RevokedFamily, 'family')).to.include({ unique: true });
      expect(indexOn(models.RevokedFamily, 'expiresAt')).to.include({ expireAfterSeconds: 0 });
      expect(models.RevokedFamily.modelName).to.equal('KoaJwtRevokedFamily');
      expect(models.RevokedFamily.collection.collectionName).to.equal('koajwt_revoked_families');
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
      expect(types(models.RevokedFamily)).to.include({ family: 'String', revokedAt: 'Date', expiresAt: 'Date' });
      expect(types(models.AttemptCounter)).to.include({ key: 'String', count: 'Number', expiresAt: 'Date' });
      expect(types(models.SigningKey)).to.include({ kid: 'String', alg: 'String', state: 'String', privateJwk: 'Mixed', createdAt: 'Date', activatesAt: 'Date', retiredAt: 'Date', notAfter: 'Date' });
    });

    it('refuse a document missing a required field, and a key state outside next/active/retired', async () => {
      const invalid = async (doc: mongoose.Document) => Object.keys(((await doc.validate().catch((err: unknown) => err)) as mongoose.Error.ValidationError).errors);
      expect(await invalid(new models.BlacklistedToken({ token: 'x' }))).to.have.members(['tokenId', 'expiresAt', 'blacklistedAt']);
      expect(await invalid(new models.RevokedFamily({}))).to.have.members(['family', 'revokedAt', 'expiresAt']);
      expect(await invalid(new models.SigningKey({ kid: 'k', alg: 'ES256', state: 'revoked', privateJwk: {}, createdAt: new Date() }))).to.deep.equal(['state']);
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

    it('name the value they refuse, and what it was', () => {
      for (const [build, name] of [[byTokenId, 'tokenId'], [byJti, 'jti'], [byFamily, 'family'], [byUser, 'user'], [byKid, 'kid'], [byKey, 'key']] as const) {
        expect(() => build(ATTACK)).to.throw(TypeError, `mongooseStore: ${name} must be a string, got object`);
        expect(() => build(null)).to.throw(TypeError, `mongooseStore: ${name} must be a string, got null`);
      }
    });

    it('build plain equality filters from strings', () => {
      expect(models.SigningKey.findOne(byKid('2026-11')).getFilter()).to.deep.equal({ kid: '2026-11' });
      expect(models.RefreshToken.findOne(consumableJti('j1')).getFilter()).to.deep.equal({ jti: 'j1', consumedAt: null, revokedAt: null });
      expect(wire(models.BlacklistedToken.find(byTokenIds(['a', 'b'])).getFilter())).to.deep.equal({ tokenId: { $in: ['a', 'b'] } });
    });

    it('keep a string that starts with $ a plain value', () => {
      expect(models.SigningKey.findOne(byKid('$ne')).getFilter()).to.deep.equal({ kid: '$ne' });
    });
  });
});
