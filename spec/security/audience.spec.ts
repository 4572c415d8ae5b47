import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

describe('attack: audience missing, foreign or a look-alike', function () {
  const app = buildApp({ token: { audience: 'api.example' } });
  const cases: Array<[string, Record<string, unknown>]> = [
    ['aud missing', {}],
    ['a foreign aud', { aud: 'billing.example' }],
    ['a look-alike aud (prefix)', { aud: 'api.example.evil' }],
    ['a look-alike aud (suffix)', { aud: 'evil-api.example' }],
    ['a look-alike aud (case)', { aud: 'API.example' }],
    ['a look-alike aud (trailing space)', { aud: 'api.example ' }],
    ['a list of foreign auds', { aud: ['billing.example', 'api.example2'] }],
    ['aud as an object', { aud: { $in: ['api.example'] } }],
    ['aud as a list holding a non-string', { aud: ['api.example', 1] }],
    ['an empty aud list', { aud: [] }],
  ];
  for (const [name, extra] of cases) {
    it(`refuses ${name} as 401 token_invalid`, async function () {
      expectRefused(await getMe(app, forge({ alg: 'HS256' }, claims(extra))));
    });
  }

  it('accepts the configured audience, alone or in a list (the controls)', async function () {
    expect((await getMe(app, forge({ alg: 'HS256' }, claims({ aud: 'api.example' })))).status).to.equal(200);
    expect((await getMe(app, forge({ alg: 'HS256' }, claims({ aud: ['other', 'api.example'] })))).status).to.equal(200);
  });
});
