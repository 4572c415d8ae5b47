import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';

// The target of POST /token/impersonate: a non-empty string of at most 255 characters, or a
// safe integer; anything else is 400 invalid_request naming the field, before any lookup.
describe('POST /token/impersonate: the target id', () => {
  const { request, auth } = buildApp();
  const impersonate = async (user: unknown) => {
    const { token } = await auth.issue({ id: '3', username: 'root', isSuperuser: true });
    return request.post('/auth/token/impersonate').set('Authorization', `Bearer ${token}`).send(user === undefined ? {} : { user });
  };

  it('looks up a string of 255 characters (400 user_not_found), refuses 256 (400 invalid_request)', async () => {
    expect((await impersonate('x'.repeat(255))).body.error).to.equal('user_not_found');
    const long = await impersonate('x'.repeat(256));
    expect(long.status).to.equal(400);
    expect(long.body.error).to.equal('invalid_request');
  });

  it('refuses a number that is not a safe integer (1.5, 2^53) as invalid_request', async () => {
    for (const user of [1.5, 2 ** 53]) {
      const res = await impersonate(user);
      expect(res.status, String(user)).to.equal(400);
      expect(res.body.error).to.equal('invalid_request');
    }
  });

  it('says "required" for a missing, null or empty target, and "a user id" for another type', async () => {
    for (const user of [undefined, null, '']) expect((await impersonate(user)).body.fields.user, String(user)).to.equal('This field is required.');
    for (const user of [true, {}, ['1']]) expect((await impersonate(user)).body.fields.user, JSON.stringify(user)).to.equal('This field must be a user id (string or integer).');
  });

  it('answers a token with Cache-Control: no-store (a token is a credential)', async () => {
    const res = await impersonate('1');
    expect(res.status).to.equal(201);
    expect(res.headers['cache-control']).to.equal('no-store');
  });
});
