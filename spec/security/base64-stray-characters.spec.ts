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
