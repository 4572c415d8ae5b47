import { buildApp } from '../helpers/app.js';
import { nowSeconds } from '../helpers/tokens.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

// A string where a NumericDate belongs: "9999999999" > now is true in JavaScript, and a loose
// verifier that compares with > would take it.
describe('attack: exp/nbf as strings and other wrong claim types', function () {
  const app = buildApp();
  const cases: Array<[string, () => Record<string, unknown>]> = [
    ['exp as a numeric string', () => ({ exp: String(nowSeconds() + 60) })],
    ['exp as a date string', () => ({ exp: new Date(Date.now() + 60_000).toISOString() })],
    ['exp as an array', () => ({ exp: [nowSeconds() + 60] })],
    ['exp as an object', () => ({ exp: { $gt: 0 } })],
    ['exp as true', () => ({ exp: true })],
    ['nbf as a string', () => ({ nbf: String(nowSeconds() - 10) })],
    ['nbf as an object', () => ({ nbf: {} })],
    ['jti as a number', () => ({ jti: 1 })],
    ['jti as an object {"$ne":null}', () => ({ jti: { $ne: null } })],
    ['user_id as an object {"$ne":null}', () => ({ user_id: { $ne: null } })],
    ['username as a number', () => ({ username: 1 })],
    ['token_type unknown', () => ({ token_type: 'admin' })],
  ];
  for (const [name, extra] of cases) {
    it(`refuses ${name} as 401 token_invalid`, async function () {
      expectRefused(await getMe(app, forge({ alg: 'HS256' }, claims(extra()))));
    });
  }

  // JSON has no Infinity, but 1e999 parses to it: a typeof check alone would take it for a
  // NumericDate (a token that never expires) or for a user id that spells "Infinity".
  const unbounded: Array<[string, (at: number) => string]> = [
    ['exp as 1e999 (Infinity once parsed)', (at) => `{"user_id":"1","username":"alice","iat":${at},"exp":1e999}`],
    ['nbf as -1e999 (-Infinity once parsed)', (at) => `{"user_id":"1","username":"alice","iat":${at},"exp":${at + 60},"nbf":-1e999}`],
    ['user_id as 1e999 (Infinity once parsed)', (at) => `{"user_id":1e999,"username":"alice","iat":${at},"exp":${at + 60}}`],
  ];
  for (const [name, payload] of unbounded) {
    it(`refuses ${name} as 401 token_invalid`, async function () {
      expectRefused(await getMe(app, forge({ alg: 'HS256' }, payload(nowSeconds()))));
    });
  }
});
