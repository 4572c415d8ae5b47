import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

// The same bytes, encoded otherwise: base64 (not base64url), padding, whitespace, line breaks,
// non-zero unused bits. Lenient decoders accept them, so one token has many spellings — and a
// blacklist keyed on the string misses all but one. Only strict, canonical base64url passes.
describe('attack: base64 variants (padding, +, /, whitespace, newline, unused bits)', function () {
  const app = buildApp();
  let token: string;

  before(function () {
    // A token whose parts contain '-' and '_', so that their base64 spelling differs.
    // (A 34-byte header and a 32-byte signature both need padding in base64; the payload is varied until it does.)
    for (let i = 0; i < 1000; i++) {
      token = forge({ alg: 'HS256', typ: 'JWT', v: 12 }, claims({ n: i, pad: 'x'.repeat(i % 3) }));
      if (/[-_]/.test(token.split('.')[2]!) && token.split('.').every((p) => p.length % 4 !== 0)) return;
    }
    throw new Error('no token with - or _ in its signature in 1000 tries');
  });

  it('accepts the canonical token (the control)', async function () {
    expect((await getMe(app, token)).status).to.equal(200);
  });

  it('refuses the signature in base64 (+ and / instead of - and _)', async function () {
    const [h, p, s] = token.split('.');
    expectRefused(await getMe(app, `${h}.${p}.${s!.replace(/-/g, '+').replace(/_/g, '/')}`));
  });

  it('refuses each part with = padding', async function () {
    const parts = token.split('.');
    for (let i = 0; i < 3; i++) {
      const padded = parts.map((part, j) => (j === i ? part + '='.repeat((4 - (part.length % 4)) % 4 || 1) : part));
      expectRefused(await getMe(app, padded.join('.')));
    }
  });

  it('refuses a tab inside the token', async function () {
    expectRefused(await getMe(app, token.replace('.', '.\t')));
  });

  it('refuses a space inside the token as 401 credentials_bad_format (it splits the header)', async function () {
    const res = await getMe(app, token.replace('.', '. '));
    expect(res.status).to.equal(401);
    expect(res.body.error).to.equal('credentials_bad_format');
  });

  it('refuses a newline or CRLF inside the token (through the verify route, where a header cannot carry one)', async function () {
    for (const sep of ['\n', '\r\n', ' ', '\u00a0']) {
      const res = await app.request.post('/auth/token/verify').send({ token: token.replace('.', `.${sep}`) });
      expect(res.status).to.equal(401);
      expect(res.body.error).to.equal('token_invalid');
    }
  });

  it('refuses a signature whose last character carries non-zero unused bits (same bytes, another string)', async function () {
    const [h, p, s] = token.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(s!.at(-1)!);
    const respelt = `${s!.slice(0, -1)}${alphabet[last + 1]}`; // 43 chars: the low 2 bits are unused
    expect(Buffer.from(respelt, 'base64url').equals(Buffer.from(s!, 'base64url')), 'decodes to the same bytes').to.equal(true);
    expectRefused(await getMe(app, `${h}.${p}.${respelt}`));
  });
});
