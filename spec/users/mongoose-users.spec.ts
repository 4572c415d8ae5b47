import { expect } from 'chai';
import mongoose from 'mongoose';
import sinon from 'sinon';
import { mongooseUsers } from '../../lib/users/mongoose-users.js';
import { hashPassword } from '../../lib/users/password.js';

// mongooseUsers over an application's own model, without a server: Query#exec answers from a
// table and records each filter.

describe('mongooseUsers', () => {
  const connection = mongoose.createConnection();
  const Account = connection.model('Account', new mongoose.Schema({ email: String, hash: { type: String, select: false }, active: Boolean, admin: Boolean }));
  let docs: Record<string, unknown>[];
  let filters: Record<string, unknown>[];

  before(async () => {
    const id = new mongoose.Types.ObjectId();
    docs = [{ _id: id, email: 'alice@example.test', hash: await hashPassword('alice-password'), active: true, admin: false, plan: 'pro', __v: 0 }];
  });
  beforeEach(() => {
    filters = [];
    sinon.stub(mongoose.Query.prototype, 'exec').callsFake(function (this: mongoose.Query<unknown, unknown>) {
      // As a server would: the filter is cast first (a CastError for an id that is no ObjectId),
      // and a `select: false` field comes back only when the query asked for it with `+field`.
      try {
        this.cast(this.model);
      } catch (err) {
        return Promise.reject(err);
      }
      const filter = this.getFilter();
      filters.push(filter);
      const [field, value] = Object.entries(filter)[0]!;
      const match = docs.find((d) => String(d[field]) === String(value));
      if (!match) return Promise.resolve(null);
      const { hash, ...rest } = match;
      return Promise.resolve((this.projection() as Record<string, unknown> | undefined)?.['+hash'] ? { ...rest, hash } : rest);
    });
  });
  afterEach(() => sinon.restore());
  after(() => connection.close());

  const users = () => mongooseUsers(Account, { usernameField: 'email', passwordField: 'hash', isActiveField: 'active', isSuperuserField: 'admin' });

  it('authenticates with a scrypt hash and returns the user without its password', async () => {
    const user = await users().authenticate('alice@example.test', 'alice-password');
    expect(user).to.include({ id: String(docs[0]!._id), username: 'alice@example.test', isActive: true, isSuperuser: false, plan: 'pro' });
    expect(user).to.not.have.property('hash');
    expect(user).to.not.have.property('__v');
  });

  it('refuses a wrong password', async () => {
    expect(await users().authenticate('alice@example.test', 'wrong')).to.equal(undefined);
  });

  it('refuses an unknown user with the same answer as a wrong password', async () => {
    expect(await users().authenticate('nobody@example.test', 'alice-password')).to.equal(undefined);
    expect(filters[0]).to.deep.equal({ email: 'nobody@example.test' });
  });

  it('reads the password field that the schema hides (select: false) only to authenticate', async () => {
    expect(await users().authenticate('alice@example.test', 'alice-password'), 'found with +hash').to.not.equal(undefined);
    expect(await users().findByUsername('alice@example.test')).to.not.have.property('hash');
  });

  it('an id that is not an ObjectId (a CastError at the server) is no user, for findById and for a token\'s user', async () => {
    expect(await users().findById('not-an-object-id')).to.equal(undefined);
    expect(await users().findById('{"$ne":null}')).to.equal(undefined);
  });

  it('finds users by id and by username; an id that is not an ObjectId is no user, not a failure', async () => {
    expect((await users().findById(String(docs[0]!._id)))?.username).to.equal('alice@example.test');
    expect((await users().findByUsername('alice@example.test'))?.id).to.equal(String(docs[0]!._id));
    expect(await users().findById('not-an-object-id')).to.equal(undefined);
  });

  it('sends a username of {"$ne": null} as a value, never as an operator', async () => {
    await users().findByUsername({ $ne: null } as unknown as string);
    expect(filters[0]).to.deep.equal({ email: '[object Object]' });
    expect(await users().authenticate({ $ne: null } as unknown as string, 'x')).to.equal(undefined);
  });
});
