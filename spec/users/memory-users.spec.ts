import { expect } from 'chai';
import { hashPassword } from '../../lib/users/password.js';
import { memoryUsers } from '../../lib/users/memory-users.js';

describe('memoryUsers', () => {
  it('hashes plain passwords when it is built, and authenticates with them', async () => {
    const input = [{ id: '1', username: 'alice', password: 'alice-password' }];
    const users = memoryUsers(input);
    const user = await users.authenticate('alice', 'alice-password');
    expect(user).to.include({ id: '1', username: 'alice', isActive: true, isSuperuser: false });
    expect(user).not.to.have.property('password');
    expect(user).not.to.have.property('passwordHash');
    expect(input[0]!.password, 'the input is left as it was').to.equal('alice-password');
  });

  it('accepts a passwordHash', async () => {
    const users = memoryUsers([{ id: 7, username: 'carol', passwordHash: await hashPassword('carol-password') }]);
    expect(await users.authenticate('carol', 'carol-password')).to.include({ id: 7, username: 'carol' });
    expect(await users.authenticate('carol', 'wrong')).to.equal(undefined);
  });

  it('answers undefined for an unknown user and a wrong password', async () => {
    const users = memoryUsers([{ id: '1', username: 'alice', password: 'alice-password' }]);
    expect(await users.authenticate('nobody', 'alice-password')).to.equal(undefined);
    expect(await users.authenticate('alice', 'wrong')).to.equal(undefined);
  });

  it('returns an inactive user on a right password (the caller refuses it with the same answer)', async () => {
    const users = memoryUsers([{ id: '2', username: 'bob', password: 'pw', isActive: false }]);
    expect(await users.authenticate('bob', 'pw')).to.include({ isActive: false });
  });

  it('finds users by id (string or number) and by username', async () => {
    const users = memoryUsers([{ id: 5, username: 'eve', password: 'pw' }]);
    expect((await users.findById('5'))?.username).to.equal('eve');
    expect((await users.findByUsername('eve'))?.id).to.equal(5);
    expect(await users.findById('6')).to.equal(undefined);
    expect(await users.findByUsername('__proto__')).to.equal(undefined);
    expect(await users.findById('constructor')).to.equal(undefined);
  });

  it('returns frozen user records', async () => {
    const users = memoryUsers([{ id: '1', username: 'alice', password: 'pw' }]);
    expect(Object.isFrozen(await users.findById('1'))).to.equal(true);
  });

  const invalid: Array<[string, unknown[]]> = [
    ['a user without id', [{ username: 'a', password: 'p' }]],
    ['a user without username', [{ id: '1', password: 'p' }]],
    ['a user without password or passwordHash', [{ id: '1', username: 'a' }]],
    ['duplicate ids', [{ id: '1', username: 'a', password: 'p' }, { id: 1, username: 'b', password: 'p' }]],
    ['duplicate usernames', [{ id: '1', username: 'a', password: 'p' }, { id: '2', username: 'a', password: 'p' }]],
  ];
  for (const [what, list] of invalid) {
    it(`refuses ${what}`, () => {
      expect(() => memoryUsers(list as never)).to.throw(TypeError);
    });
  }
});
