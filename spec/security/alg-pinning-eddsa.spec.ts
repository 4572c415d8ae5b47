import { expect } from 'chai';
import { parseCompact, verifySignature } from '../../lib/tokens/jws.js';
import { TokenInvalidError } from '../../lib/errors.js';
import { buildApp } from '../helpers/app.js';
import { keyPair, SECRET } from '../helpers/keys.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';
import { internalsOf } from '../../lib/internals.js';

// A mutation: with alg pinning removed, an EdDSA token naming the kid of an HS key reached
// node:crypto's verify with a secret key and answered 500. The pin is checked where the key is
// chosen (keyring.candidates) and again where the signature is checked (verifySignature): each
// is pinned here on its own, and the whole path over HTTP.
describe('attack: an EdDSA token naming the kid of an HS key', function () {
  const ed = keyPair('ed25519');
  const app = buildApp({ keys: { algorithm: ['HS256', 'EdDSA'], secret: { hs: SECRET }, privateKey: { ed: ed.privatePem } } });
  let forged: string;
  beforeEach(() => { forged = forge({ alg: 'EdDSA', kid: 'hs' }, claims(), { key: ed.privateKey, alg: 'EdDSA' }); });

  it('is 401 token_invalid over HTTP, never a 500', async function () {
    expectRefused(await getMe(app, forged));
  });

  it('the keyring refuses to pick the HS key for an EdDSA token', function () {
    expect(() => internalsOf(app.auth).keyring.candidates({ alg: 'EdDSA', kid: 'hs' })).to.throw(TokenInvalidError, /does not verify EdDSA/);
  });

  it('verifySignature refuses the HS key for EdDSA even when handed it (TokenInvalidError, not a crypto TypeError)', function () {
    const hs = internalsOf(app.auth).keyring.get('hs')!;
    expect(() => verifySignature(forged, parseCompact(forged), hs)).to.throw(TokenInvalidError);
  });

  it('accepts the same claims signed by the Ed25519 key under its own kid (the control)', async function () {
    expect((await getMe(app, forge({ alg: 'EdDSA', kid: 'ed' }, claims(), { key: ed.privateKey, alg: 'EdDSA' }))).status).to.equal(200);
  });
});
