import { buildApp } from '../helpers/app.js';
import { expectRefused, forge, getMe } from './attack-kit.js';

// Validly signed, but the payload is not a claim set: a JWT payload is a JSON object.
describe('attack: payload that is not a JSON object', function () {
  const app = buildApp();
  for (const payload of ['{', '[]', 'null', '"str"', '42', 'true', '', ' ', '{"exp":1', '[{"user_id":"1"}]', '\u0000', '\uFEFF{}']) {
    it(`refuses the payload ${JSON.stringify(payload)} as 401 token_invalid`, async function () {
      expectRefused(await getMe(app, forge({ alg: 'HS256', typ: 'JWT' }, payload)));
    });
  }

  for (const header of ['{', '[]', 'null', '"HS256"', '{"alg":"HS256"']) {
    it(`refuses the header ${JSON.stringify(header)} as 401 token_invalid`, async function () {
      expectRefused(await getMe(app, forge(header, { user_id: '1' })));
    });
  }
});
