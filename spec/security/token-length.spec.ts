import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

describe('attack: token over token.maxLength', function () {
  const app = buildApp({ token: { maxLength: 1024 } });

  it('refuses a validly signed token of 2 KB as 401 token_invalid before parsing it', async function () {
    const token = forge({ alg: 'HS256' }, claims({ filler: 'x'.repeat(2048) }));
    expect(token.length).to.be.greaterThan(1024);
    const res = await getMe(app, token);
    expectRefused(res);
    expect(res.body.error_description).to.match(/longer than 1024/);
  });

  it('refuses an 8 KB token under the default limit (8192) when it is one byte over', async function () {
    const roomy = buildApp();
    const base = forge({ alg: 'HS256' }, claims({ filler: '' })).length;
    let size = Math.floor(((8193 - base) * 3) / 4) - 4;
    let token = '';
    while (token.length < 8193) token = forge({ alg: 'HS256' }, claims({ filler: 'x'.repeat(size++) }));
    expect(token.length).to.be.within(8193, 8196);
    const under = forge({ alg: 'HS256' }, claims({ filler: 'x'.repeat(size - 8) }));
    expect(under.length).to.be.at.most(8192);
    expect((await getMe(roomy, under)).status, 'just under the limit').to.equal(200);
    expectRefused(await getMe(roomy, token));
  });

  it('refuses a huge token in the verify route body with 413 or 401, never 500', async function () {
    const res = await app.request.post('/auth/token/verify').send({ token: 'a'.repeat(64 * 1024) });
    expect(res.status).to.be.oneOf([401, 413]);
    expect(res.body.error).to.be.oneOf(['token_invalid', 'payload_too_large']);
  });

  it('accepts a token under the limit (the control)', async function () {
    expect((await getMe(app, forge({ alg: 'HS256' }, claims({ filler: 'x'.repeat(200) })))).status).to.equal(200);
  });
});
