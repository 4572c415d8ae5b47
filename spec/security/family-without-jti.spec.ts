import { expect } from 'chai';
import { buildApp, type TestApp } from '../helpers/app.js';
import { decode, handSign, nowSeconds } from '../helpers/tokens.js';
import { expectRefused, getMe } from './attack-kit.js';

// Once, with token.tokenId 'off' a refresh set orig_jti from a jti that did not exist, so
// revoking the first token left the tokens refreshed from it valid until the family limit. A
// family has an id from its first token on, whatever tokenId says, and revoking any member
// revokes them all (docs/security.md, "Refresh families without `jti`").

const alice = { id: '1', username: 'alice' };

async function refreshed(app: TestApp, token: string): Promise<string> {
  const res = await app.request.post('/auth/token/refresh').send({ token });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body.token as string;
}

const revoke = (app: TestApp, token: string) => app.request.post('/auth/token/blacklist').set('Authorization', `Bearer ${token}`).send({});

describe('attack: outliving the revocation of a family without jti (tokenId off)', function () {
  it('revoking the first token revokes the tokens refreshed from it', async function () {
    const app = buildApp({ token: { tokenId: 'off' } });
    const { token: first } = await app.auth.issue(alice);
    const second = await refreshed(app, first);
    const third = await refreshed(app, second);
    expect(decode(third).payload).to.not.have.property('jti');
    expect((await revoke(app, first)).status).to.equal(201);
    for (const member of [first, second, third]) expectRefused(await getMe(app, member), 'token_revoked');
    expectRefused(await app.request.post('/auth/token/refresh').send({ token: third }), 'token_revoked');
  });

  it('revoking a later token revokes the first one and its siblings', async function () {
    const app = buildApp({ token: { tokenId: 'off' } });
    const { token: first } = await app.auth.issue(alice);
    const second = await refreshed(app, first);
    const sibling = await refreshed(app, first);
    expect((await revoke(app, second)).status).to.equal(201);
    for (const member of [first, second, sibling]) expectRefused(await getMe(app, member), 'token_revoked');
  });

  it('a revoked family does not take other logins of the same user with it', async function () {
    const app = buildApp({ token: { tokenId: 'off' } });
    const { token: mine } = await app.auth.issue(alice);
    const { token: other } = await app.auth.issue(alice);
    expect(decode(mine).payload.orig_jti).to.not.equal(decode(other).payload.orig_jti);
    await revoke(app, mine);
    expect((await getMe(app, other)).status).to.equal(200);
  });

  it('an old tokenId-off token (no jti, no orig_jti) at an include service: its refreshed tokens die with it', async function () {
    const app = buildApp();
    const at = nowSeconds();
    const old = handSign({ user_id: '1', username: 'alice', iat: at, exp: at + 60, orig_iat: at });
    const next = await refreshed(app, old);
    expect(decode(next).payload.orig_jti).to.match(/^sha256:/);
    expect((await revoke(app, old)).status).to.equal(201);
    expectRefused(await getMe(app, old), 'token_revoked');
    expectRefused(await getMe(app, next), 'token_revoked');
  });

  it('the same old token: revoking the refreshed one revokes the old one too', async function () {
    const app = buildApp();
    const at = nowSeconds();
    const old = handSign({ user_id: '1', username: 'alice', iat: at, exp: at + 60, orig_iat: at });
    const next = await refreshed(app, old);
    expect((await revoke(app, next)).status).to.equal(201);
    expectRefused(await getMe(app, old), 'token_revoked');
  });
});
