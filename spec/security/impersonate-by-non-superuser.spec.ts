import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { memoryUsers } from '../../lib/users/memory-users.js';
import { SECRET } from '../helpers/keys.js';
import { expectError } from './attack-kit.js';

// A mutation: with the caller-must-be-superuser rule removed, every spec still passed (the only
// 403 spec hit the rule against superuser targets). Here nothing but that rule stands between
// an ordinary user and a token of another ordinary, active user.
describe('attack: an ordinary user impersonating another ordinary user', function () {
  const users = memoryUsers([
    { id: '1', username: 'alice', password: 'alice-password' },
    { id: '5', username: 'carol', password: 'carol-password' },
    { id: '3', username: 'root', password: 'root-password', isSuperuser: true },
  ]);
  const { request, auth } = buildApp({}, { config: { keys: { secret: SECRET }, users } });
  const impersonate = (token: string, user: string) => request.post('/auth/token/impersonate').set('Authorization', `Bearer ${token}`).send({ user });

  it('refuses alice (not a superuser) a token for carol (active, not a superuser) with 403 forbidden', async function () {
    const { token } = await auth.issue({ id: '1', username: 'alice' });
    const res = await impersonate(token, '5');
    expectError(res, 403, 'forbidden');
    expect(res.body).to.not.have.property('token');
  });

  it('refuses alice a token for herself too (no act claim through the back door)', async function () {
    const { token } = await auth.issue({ id: '1', username: 'alice' });
    expectError(await impersonate(token, '1'), 403, 'forbidden');
  });

  it('gives root a token for carol (the control: the same target is allowed to a superuser)', async function () {
    const { token } = await auth.issue({ id: '3', username: 'root', isSuperuser: true });
    expect((await impersonate(token, '5')).status).to.equal(201);
  });
});
