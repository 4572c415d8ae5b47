import { pbkdf2Sync, randomInt, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import mongoose from 'mongoose';
import sinon from 'sinon';
import { mongooseUsers } from '../../lib/users/mongoose-users.js';
import { memoryUsers } from '../../lib/users/memory-users.js';
import { needsRehash, verifyPassword } from '../../lib/users/password.js';
import type { UserProvider } from '../../lib/users/provider.js';
import { buildApp } from '../helpers/app.js';
import { startsHashing } from '../helpers/hash-probe.js';

// Known answers computed by Python's hashlib.pbkdf2_hmac in Django's format (fixtures/django/make-vectors.py).
const { vectors } = JSON.parse(readFileSync(new URL('../../fixtures/django/pbkdf2-vectors.json', import.meta.url), 'utf8')) as { vectors: { password: string; encoded: string }[] };

// Django's get_random_string alphabet, and its PBKDF2 hashers' encode(), written out here
// independently of lib/: base64 (standard, padded) of pbkdf2_hmac over the UTF-8 password and salt.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const djangoSalt = () => Array.from({ length: 22 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
function djangoHash(password: string, algorithm: 'pbkdf2_sha256' | 'pbkdf2_sha1', iterations: number, salt = djangoSalt()): string {
  const digest = algorithm === 'pbkdf2_sha256' ? 'sha256' : 'sha1';
  const raw = pbkdf2Sync(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), iterations, digest === 'sha256' ? 32 : 20, digest);
  return `${algorithm}$${iterations}$${salt}$${raw.toString('base64')}`;
}

describe('passwords brought from Django', () => {
  describe('verifyPassword', () => {
    for (const { password, encoded } of vectors) {
      it(`accepts the known answer ${encoded.split('$').slice(0, 2).join('$')}… and refuses a wrong password`, async () => {
        expect(await verifyPassword(password, encoded)).to.equal(true);
        expect(await verifyPassword(`${password}x`, encoded)).to.equal(false);
      });
    }

    for (const algorithm of ['pbkdf2_sha256', 'pbkdf2_sha1'] as const) {
      it(`accepts ${algorithm} hashes made as Django makes them (random salt, unicode password)`, async () => {
        const encoded = djangoHash('pässwörd ✓', algorithm, 20_000);
        expect(await verifyPassword('pässwörd ✓', encoded)).to.equal(true);
        expect(await verifyPassword('passwörd ✓', encoded)).to.equal(false);
      });
    }

    const good = djangoHash('secret', 'pbkdf2_sha256', 1000, 'salt');
    const [, , , hash] = good.split('$');
    const malformed = [
      'pbkdf2_sha512$1000$salt$' + hash, // not a hasher of this module
      'pbkdf2_sha256$0$salt$' + hash,
      'pbkdf2_sha256$-5$salt$' + hash,
      'pbkdf2_sha256$01000$salt$' + hash,
      'pbkdf2_sha256$20000000$salt$' + hash, // past the iteration cap
      'pbkdf2_sha256$1000$$' + hash,
      'pbkdf2_sha256$1000$salt$' + hash!.slice(0, -4), // shorter than the digest
      'pbkdf2_sha256$1000$salt$' + hash!.replace(/[A-Z]/, '*'),
      'pbkdf2_sha1$1000$salt$' + hash, // a sha256-sized hash under sha1
      'pbkdf2_sha256$1000$salt',
      'pbkdf2_sha256$1000$salt$' + hash + '$extra',
    ];
    for (const stored of malformed) {
      it(`a malformed Django hash ${JSON.stringify(stored.slice(0, 40))}… is false, not an exception`, async () => {
        expect(await verifyPassword('secret', stored)).to.equal(false);
      });
    }

    it('the well-formed hash those were made from verifies (so the cases above fail for their defect)', async () => {
      expect(await verifyPassword('secret', good)).to.equal(true);
    });

    it('hashes up to 10,000,000 iterations and starts no hash past them (the cap on one hash\'s cost)', async () => {
      for (const algorithm of ['pbkdf2_sha256', 'pbkdf2_sha1']) {
        const digest = Buffer.alloc(algorithm === 'pbkdf2_sha1' ? 20 : 32).toString('base64');
        const stored = (iterations: number) => `${algorithm}$${iterations}$salt$${digest}`;
        expect(await startsHashing(stored(10_000_000)), `${algorithm} at the cap`).to.equal(true);
        expect(await startsHashing(stored(10_000_001)), `${algorithm} past the cap`).to.equal(false);
        expect(await startsHashing(stored(9_999_999_999)), `${algorithm} far past the cap`).to.equal(false);
      }
    });
  });

  describe('needsRehash', () => {
    it('is true for Django hashes and for scrypt with a lower cost or other parameters, false for today\'s scrypt', () => {
      expect(needsRehash(vectors[0]!.encoded)).to.equal(true);
      expect(needsRehash(vectors[3]!.encoded)).to.equal(true);
      const scrypt = (n: number, r: number, p: number) => `scrypt$${n}$${r}$${p}$c2FsdHNhbHRzYWx0$${scryptSync('x', 'saltsaltsalt', 32, { N: n, r, p }).toString('base64url')}`;
      expect(needsRehash(scrypt(1024, 8, 1))).to.equal(true);
      expect(needsRehash(scrypt(16384, 4, 1))).to.equal(true);
      expect(needsRehash(scrypt(16384, 8, 1))).to.equal(false);
      expect(needsRehash('not a hash')).to.equal(false);
    });
  });

  describe('login upgrades an outdated hash through UserProvider.updatePasswordHash', () => {
    function upgradable(passwordHash: string) {
      const inner = memoryUsers([{ id: '7', username: 'django-user', passwordHash }]);
      const updatePasswordHash = sinon.spy(inner.updatePasswordHash!);
      const users: UserProvider = { ...inner, updatePasswordHash };
      return { users, updatePasswordHash, ...buildApp({ users }) };
    }
    const login = (password: string) => ({ username: 'django-user', password });

    it('a Django user logs in with the Django password, and the hash is replaced by scrypt once', async () => {
      const { request, updatePasswordHash } = upgradable(djangoHash('from-django', 'pbkdf2_sha256', 10_000));
      await request.post('/auth/token').send(login('from-django')).expect(201);
      expect(updatePasswordHash.callCount).to.equal(1);
      const [user, hash] = updatePasswordHash.firstCall.args;
      expect(user).to.include({ id: '7', username: 'django-user' });
      expect(hash).to.match(/^scrypt\$16384\$8\$1\$/);
      expect(await verifyPassword('from-django', hash)).to.equal(true);
      await request.post('/auth/token').send(login('from-django')).expect(201);
      expect(updatePasswordHash.callCount, 'the new hash is current: no second upgrade').to.equal(1);
    });

    it('upgrades a scrypt hash of lower cost too', async () => {
      const cheap = `scrypt$1024$8$1$c2FsdHNhbHRzYWx0$${scryptSync('old-cost', Buffer.from('saltsaltsalt'), 32, { N: 1024, r: 8, p: 1 }).toString('base64url')}`;
      const { request, updatePasswordHash } = upgradable(cheap);
      await request.post('/auth/token').send(login('old-cost')).expect(201);
      expect(updatePasswordHash.callCount).to.equal(1);
    });

    it('never upgrades on a wrong password', async () => {
      const { request, updatePasswordHash } = upgradable(djangoHash('from-django', 'pbkdf2_sha1', 10_000));
      await request.post('/auth/token').send(login('not-it')).expect(401);
      expect(updatePasswordHash.callCount).to.equal(0);
    });

    it('a failing upgrade costs the user nothing: the login stands and an error event says why', async () => {
      const inner = memoryUsers([{ id: '7', username: 'django-user', passwordHash: djangoHash('from-django', 'pbkdf2_sha256', 10_000) }]);
      const { request, auth } = buildApp({ users: { ...inner, updatePasswordHash: () => Promise.reject(new Error('read-only replica')) } });
      const errors: unknown[] = [];
      // The provider's failure is a store failure (503 had a request waited for it), its cause kept.
      auth.on('error', (e) => errors.push([e.source, e.userId, ((e.error as Error).cause as Error).message]));
      await request.post('/auth/token').send(login('from-django')).expect(201);
      expect(errors).to.deep.equal([['password_upgrade', '7', 'read-only replica']]);
    });
  });

  describe('mongooseUsers.updatePasswordHash', () => {
    const connection = mongoose.createConnection();
    const Account = connection.model('DjangoAccount', new mongoose.Schema({ email: String, hash: { type: String, select: false } }));
    afterEach(() => sinon.restore());
    after(() => connection.close());

    it('writes the new hash into the password field of that user only, with a typed filter', async () => {
      const queries: { op?: string; filter: unknown; update: unknown }[] = [];
      sinon.stub(mongoose.Query.prototype, 'exec').callsFake(function (this: mongoose.Query<unknown, unknown>) {
        queries.push({ op: (this as unknown as { op?: string }).op, filter: this.getFilter(), update: this.getUpdate() });
        return Promise.resolve({ acknowledged: true });
      });
      const id = new mongoose.Types.ObjectId();
      await mongooseUsers(Account, { usernameField: 'email', passwordField: 'hash' }).updatePasswordHash!({ id: String(id), username: 'a@example.test' }, 'scrypt$16384$8$1$s$h');
      expect(queries).to.have.length(1);
      expect(queries[0]!.op).to.equal('updateOne');
      expect(String((queries[0]!.filter as { _id: unknown })._id)).to.equal(String(id));
      expect(queries[0]!.update).to.deep.equal({ $set: { hash: 'scrypt$16384$8$1$s$h' } });
    });

    it('rehash: false leaves the hashes alone (Django still reads them)', () => {
      expect(mongooseUsers(Account, { rehash: false }).updatePasswordHash).to.equal(undefined);
    });
  });
});
