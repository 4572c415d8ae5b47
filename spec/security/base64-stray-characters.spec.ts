import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

// Node's base64url decoder skips what is not in its alphabet ('=', '!', …), so "sig==" and
// "sig!!" decode to the bytes of "sig". A verifier that checks the signature bytes (node:crypto,
// as EdDSA does here and as every algorithm will) would then accept a second spelling of a valid
// token, which a string-keyed cache or blacklist treats as another token. The whole part must be
// base64url, first character to last (docs/mutation.md: either anchor of the pattern
// could go without a spec noticing).
describe('attack: stray characters at the end of a part', function () {
  const ed = keyPair('ed25519');
  const app = buildApp({ keys: { algorithm: 'EdDSA', privateKey: { ed: ed.privatePem } } });
  let token: string;
  beforeEach(() => { token = forge({ alg: 'EdDSA', kid: 'ed' }, claims(), { key: ed.privateKey, alg: 'EdDSA' }); });

  it('accepts the token as signed (the control)', async function () {
    expect((await getMe(app, token)).status).to.equal(200);
  });

  // A 64-byte signature is 86 characters: its last one carries 2 bits of data and 4 unused ones.
  // Setting any unused bit gives another spelling of the same bytes (RFC 7515 §2, Appendix C).
  for (const bit of [1, 2, 4, 8]) {
    it(`refuses the signature with unused bit ${bit} of its last character set (the same bytes once decoded)`, async function () {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const [h, p, s] = token.split('.') as [string, string, string];
      expect(s.length % 4).to.equal(2);
      const last = alphabet.indexOf(s[s.length - 1]!);
      const respelt = `${s.slice(0, -1)}${alphabet[last ^ bit]}`;
      expect(Buffer.from(respelt, 'base64url').equals(Buffer.from(s, 'base64url')), 'the same bytes').to.equal(true);
      expectRefused(await getMe(app, `${h}.${p}.${respelt}`));
    });
  }

  for (const stray of ['==', '!!', '~~~~']) {
    it(`refuses the signature followed by ${JSON.stringify(stray)} (the same bytes once decoded)`, async function () {
      expectRefused(await getMe(app, `${token}${stray}`));
    });

    it(`refuses the signature preceded by ${JSON.stringify(stray)}`, async function () {
      const [h, p, s] = token.split('.');
      expectRefused(await getMe(app, `${h}.${p}.${stray}${s}`));
    });
  }
});
