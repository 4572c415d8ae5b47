import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { EnvelopeError, isEnvelope, openKey, sealKey } from '../../lib/keyring/envelope.js';
import { keyPair } from '../helpers/keys.js';

describe('signing key envelope (AES-256-GCM)', () => {
  const secret = randomBytes(32);
  const jwk = keyPair('P-256').privateKey.export({ format: 'jwk' }) as Record<string, unknown>;

  it('opens what it sealed, and the sealed text holds no key member', () => {
    const sealed = sealKey(jwk, 'k1', secret);
    expect(isEnvelope(sealed)).to.equal(true);
    expect(sealed).not.to.include(jwk.d as string);
    expect(openKey(sealed, 'k1', secret)).to.deep.equal(jwk);
  });

  it('uses a fresh IV each time', () => {
    expect(sealKey(jwk, 'k1', secret)).not.to.equal(sealKey(jwk, 'k1', secret));
  });

  it('refuses another encryption key', () => {
    expect(() => openKey(sealKey(jwk, 'k1', secret), 'k1', randomBytes(32))).to.throw(EnvelopeError);
  });

  it('refuses an envelope moved to another kid', () => {
    expect(() => openKey(sealKey(jwk, 'k1', secret), 'k2', secret)).to.throw(EnvelopeError);
  });

  it('refuses a tampered ciphertext', () => {
    const [v, iv, ct, tag] = sealKey(jwk, 'k1', secret).split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => openKey([v, iv, flipped.toString('base64url'), tag].join('.'), 'k1', secret)).to.throw(EnvelopeError);
  });

  it('refuses something that is not an envelope', () => {
    expect(() => openKey('{"kty":"EC"}', 'k1', secret)).to.throw(EnvelopeError, /not a v1 envelope/);
  });
});
