import { buildApp } from '../helpers/app.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

// RFC 7515 §4.1.11: a recipient that does not understand a critical extension must refuse.
describe('attack: unknown crit header', function () {
  const app = buildApp();
  const cases: Array<[string, Record<string, unknown>]> = [
    ['an unknown extension', { crit: ['http://example.invalid/ext'], 'http://example.invalid/ext': true }],
    ['b64 false (unencoded payload)', { crit: ['b64'], b64: false }],
    ['a registered name (exp)', { crit: ['exp'], exp: 1 }],
    ['an empty list', { crit: [] }],
    ['a string instead of a list', { crit: 'exp' }],
    ['b64 without crit', { b64: false }],
  ];
  for (const [name, header] of cases) {
    it(`refuses crit with ${name} as 401 token_invalid`, async function () {
      expectRefused(await getMe(app, forge({ alg: 'HS256', typ: 'JWT', ...header }, claims())));
    });
  }
});
