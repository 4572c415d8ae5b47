import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

describe('attack: issuer missing or foreign', function () {
  const app = buildApp({ token: { issuer: 'https://auth.example' } });
  const cases: Array<[string, Record<string, unknown>]> = [
    ['iss missing', {}],
    ['a foreign iss', { iss: 'https://evil.example' }],
    ['a look-alike iss', { iss: 'https://auth.example.evil' }],
    ['iss with a trailing slash', { iss: 'https://auth.example/' }],
    ['iss as a list', { iss: ['https://auth.example'] }],
  ];
  for (const [name, extra] of cases) {
    it(`refuses ${name} as 401 token_invalid`, async function () {
      expectRefused(await getMe(app, forge({ alg: 'HS256' }, claims(extra))));
    });
  }

  it('accepts the configured issuer (the control)', async function () {
    expect((await getMe(app, forge({ alg: 'HS256' }, claims({ iss: 'https://auth.example' })))).status).to.equal(200);
  });
});
