import { buildApp } from '../helpers/app.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

// The kid is attacker-chosen text that some verifiers feed to a file path, an SQL query, a
// shell or a Mongo filter. Here it is only ever a Map key, and anything that is not a short
// printable string is refused before any lookup. Each token is signed with the real secret,
// so the kid is the only thing wrong with it.
const KIDS: Array<[string, unknown]> = [
  ['path traversal', '../../../../../../dev/null'],
  ['an absolute path', '/etc/passwd'],
  ['SQL injection', "x' UNION SELECT 'secret' -- "],
  ['shell injection', '$(curl 127.0.0.1) `id`; rm -rf /'],
  ['an object {"$ne":null}', { $ne: null }],
  ['a number', 42],
  ['an empty string', ''],
  ['null', null],
  ['an array', ['a']],
  ['true', true],
  ['a newline', 'key\nX-Injected: 1'],
  ['a NUL byte', 'key\u0000'],
  ['non-ASCII', 'kéy'],
  ['129 characters', 'k'.repeat(129)],
];

describe('attack: kid injection', function () {
  const app = buildApp();
  // A large token.maxLength, so that the 10 KB kid reaches the kid check itself.
  const roomy = buildApp({ token: { maxLength: 1 << 16 } });

  for (const [name, kid] of KIDS) {
    it(`refuses a kid that is ${name} as 401 token_invalid`, async function () {
      expectRefused(await getMe(app, forge({ alg: 'HS256', typ: 'JWT', kid }, claims())));
    });
  }

  it('refuses a 10 KB kid (over token.maxLength) as 401 token_invalid', async function () {
    expectRefused(await getMe(app, forge({ alg: 'HS256', kid: 'k'.repeat(10 * 1024) }, claims())));
  });

  it('refuses a 10 KB kid as 401 token_invalid when token.maxLength lets it through', async function () {
    expectRefused(await getMe(roomy, forge({ alg: 'HS256', kid: 'k'.repeat(10 * 1024) }, claims())));
  });

  it('accepts the real kid (the control)', async function () {
    const kid = app.auth.keyring.list()[0]!.kid;
    const res = await getMe(app, forge({ alg: 'HS256', kid }, claims()));
    if (res.status !== 200) throw new Error(`the control (the real kid) was refused: ${JSON.stringify(res.body)}`);
  });
});
