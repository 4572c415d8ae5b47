import { expect } from 'chai';
import { testUsers } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';

describe('config errors: a secret that is not set', () => {
  const users = testUsers();

  it('says keys.secret is undefined, pointing at the environment, when process.env left it unset', () => {
    const err = configErrorOf({ keys: { secret: process.env.KOA_JWT_KIT_SPEC_UNSET_VARIABLE }, users });
    expect(err.path).to.equal('keys.secret');
    expect(err.message).to.equal('keys.secret: is undefined: HS256 needs a shared secret of at least 32 bytes (when it comes from process.env, is that variable set?)');
  });

  it('names the algorithm it was for (HS512 needs 64 bytes)', () => {
    const err = configErrorOf({ keys: { algorithm: 'HS512' }, users });
    expect(err.message).to.match(/^keys\.secret: is undefined: HS512 needs a shared secret of at least 64 bytes/);
  });
});
