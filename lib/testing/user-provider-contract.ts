import assert from 'node:assert/strict';
import { hashPassword } from '../users/password.js';
import type { AuthUser, UserProvider } from '../users/provider.js';
import { mocha } from './mocha.js';

/** A user the contract asks the provider under test to hold, with its plain password. */
export type ContractUser = {
  id: string;
  username: string;
  password: string;
  isActive: boolean;
  isSuperuser: boolean;
};

/** The users every run of the contract seeds: one active, one inactive, one superuser. */
export const CONTRACT_USERS: readonly ContractUser[] = Object.freeze([
  { id: 'contract-ada', username: 'ada', password: 'analytical-engine-1843', isActive: true, isSuperuser: false },
  { id: 'contract-bob', username: 'bob', password: 'inactive-user-password', isActive: false, isSuperuser: false },
  { id: 'contract-root', username: 'root', password: 'superuser-password-1', isActive: true, isSuperuser: true },
]);

const ada = CONTRACT_USERS[0]!;
const bob = CONTRACT_USERS[1]!;
const root = CONTRACT_USERS[2]!;

function assertUser(user: AuthUser | undefined, expected: ContractUser): void {
  assert.ok(user, `expected the user ${expected.username}, got ${String(user)}`);
  assert.equal(String(user.id), expected.id);
  assert.equal(user.username, expected.username);
  // A user handed to koa-jwt-kit (and so to token.payload handlers) never carries a password.
  for (const field of ['password', 'passwordHash']) assert.equal(user[field], undefined, `the user carries ${field}`);
}

/**
 * The UserProvider contract as a mocha suite: the rules koa-jwt-kit relies on when it logs a
 * user in and looks a token's user up. `makeProvider(users)` gives a provider that holds
 * exactly `users` (plain passwords: hash them as your provider stores them).
 *
 * @example
 * ```ts
 * import { userProviderContract } from 'koa-jwt-kit/testing';
 * import { memoryUsers } from 'koa-jwt-kit';
 * userProviderContract('memoryUsers', (users) => memoryUsers(users));
 * ```
 */
export function userProviderContract(name: string, makeProvider: (users: readonly ContractUser[]) => UserProvider | Promise<UserProvider>): void {
  const { describe, it, before } = mocha();
  describe(`UserProvider contract: ${name}`, () => {
    let users: UserProvider;
    before(async function () {
      this.timeout(30_000); // a provider hashes the seeded passwords (scrypt) as it is built
      users = await makeProvider(CONTRACT_USERS);
    });

    describe('authenticate', () => {
      it('answers the user for the right password', async () => {
        assertUser(await users.authenticate(ada.username, ada.password), ada);
      });

      it('answers no user for a wrong password, also one that differs in the last character only', async () => {
        assert.equal(await users.authenticate(ada.username, 'wrong password'), undefined);
        assert.equal(await users.authenticate(ada.username, `${ada.password.slice(0, -1)}X`), undefined);
        assert.equal(await users.authenticate(ada.username, ''), undefined);
      });

      it('answers no user for an unknown username', async () => {
        assert.equal(await users.authenticate('nobody-by-this-name', ada.password), undefined);
      });

      it('treats the username as data: an operator-like username is no user', async () => {
        assert.equal(await users.authenticate('{"$ne":null}', ada.password), undefined);
        assert.equal(await users.authenticate('.*', ada.password), undefined);
      });

      it('answers an inactive user with isActive false (koa-jwt-kit refuses it, with the same answer as a wrong password)', async () => {
        const user = await users.authenticate(bob.username, bob.password);
        if (user !== undefined) assert.equal(user.isActive, false);
      });
    });

    describe('findById', () => {
      it('answers the user for its id, as a string', async () => {
        assertUser(await users.findById(ada.id), ada);
      });

      it('answers no user for an unknown or malformed id', async () => {
        assert.equal(await users.findById('contract-nobody'), undefined);
        assert.equal(await users.findById('{"$gt":""}'), undefined);
      });

      it('reports isActive and isSuperuser', async () => {
        const inactive = await users.findById(bob.id);
        assertUser(inactive, bob);
        assert.equal(inactive!.isActive, false);
        const superuser = await users.findById(root.id);
        assertUser(superuser, root);
        assert.equal(superuser!.isSuperuser, true);
        assert.notEqual((await users.findById(ada.id))!.isSuperuser, true);
      });
    });

    describe('findByUsername', () => {
      it('answers the user for its username and no user for an unknown one', async () => {
        assertUser(await users.findByUsername(ada.username), ada);
        assert.equal(await users.findByUsername('nobody-by-this-name'), undefined);
      });
    });

    describe('updatePasswordHash (optional: koaJwt upgrades outdated hashes through it)', () => {
      it('stores a hashPassword() result: the user then logs in with its password, and no longer with the old one', async function () {
        if (!users.updatePasswordHash) this.skip(); // optional: a provider without it keeps its hashes as they are
        this.timeout(30_000);
        const user = await users.findByUsername(ada.username);
        assert.ok(user, 'the contract user ada exists');
        try {
          await users.updatePasswordHash!(user, await hashPassword('a-new-password-for-ada'));
          assertUser(await users.authenticate(ada.username, 'a-new-password-for-ada'), ada);
          assert.equal(await users.authenticate(ada.username, ada.password), undefined);
        } finally {
          await users.updatePasswordHash!(user, await hashPassword(ada.password));
        }
        assertUser(await users.authenticate(ada.username, ada.password), ada);
      });
    });
  });
}
