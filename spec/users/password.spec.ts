import { expect } from 'chai';
import { hashPassword, verifyPassword } from '../../lib/users/password.js';
import { startsHashing } from '../helpers/hash-probe.js';

describe('password hashing', () => {
  let hash: string;
  before(async () => {
    hash = await hashPassword('correct horse battery staple');
  });

  it('writes a self-describing scrypt hash', () => {
    expect(hash).to.match(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it('round-trips: the right password verifies', async () => {
    expect(await verifyPassword('correct horse battery staple', hash)).to.equal(true);
  });

  it('a wrong password is false', async () => {
    expect(await verifyPassword('correct horse battery stapler', hash)).to.equal(false);
    expect(await verifyPassword('', hash)).to.equal(false);
  });

  it('salts: the same password hashes differently twice', async () => {
    expect(await hashPassword('correct horse battery staple')).not.to.equal(hash);
  });

  const malformed = [
    '', 'plain-text', 'scrypt$', 'bcrypt$16384$8$1$c2FsdA$aGFzaA', 'scrypt$abc$8$1$c2FsdA$aGFzaA',
    'scrypt$16384$8$1$c2FsdA$', 'scrypt$0$8$1$c2FsdA$aGFzaA', 'scrypt$1073741824$8$1$c2FsdA$aGFzaA',
    'scrypt$16384$8$1$c2FsdA$aGFzaA$extra', 'scrypt$16385$8$1$c2FsdA$aGFzaA', 'scrypt$16384$-8$1$c2FsdA$aGFzaA',
  ];
  for (const stored of malformed) {
    it(`a malformed hash ${JSON.stringify(stored)} is false, not an exception`, async () => {
      expect(await verifyPassword('x', stored)).to.equal(false);
    });
  }

  it('starts a scrypt hash up to the cost caps (N 2^20, r 32, p 16) and none past one of them', async () => {
    const stored = (n: number, r: number, p: number) => `scrypt$${n}$${r}$${p}$c2FsdA$aGFzaA`;
    expect(await startsHashing(stored(2 ** 20, 32, 16)), 'at every cap').to.equal(true);
    expect(await startsHashing(stored(2 ** 21, 8, 1)), 'N past its cap').to.equal(false);
    expect(await startsHashing(stored(16384, 33, 1)), 'r past its cap').to.equal(false);
    expect(await startsHashing(stored(16384, 8, 17)), 'p past its cap').to.equal(false);
  });

  it('a non-string hash or password is false', async () => {
    expect(await verifyPassword('x', undefined as never)).to.equal(false);
    expect(await verifyPassword(undefined as never, hash)).to.equal(false);
  });

  it('refuses to hash an empty password', async () => {
    let thrown: unknown;
    await hashPassword('').catch((err) => { thrown = err; });
    expect(thrown).to.be.instanceOf(TypeError);
  });
});
