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

  it('refuses something that is not an envelope, or not whole, before any decryption', () => {
    const [, iv, ct, tag] = sealKey(jwk, 'k1', secret).split('.');
    for (const text of ['{"kty":"EC"}', `v1.${iv}.${ct}`, `v2.${iv}.${ct}.${tag}`, `v1.${iv}.${ct}.${tag}.x`]) {
      expect(() => openKey(text, 'k1', secret), text).to.throw(EnvelopeError, 'the stored key k1 is not a v1 envelope');
    }
  });

  it('names itself and the failure: EnvelopeError, saying which key and which setting', () => {
    try {
      openKey(sealKey(jwk, 'k1', secret), 'k1', randomBytes(32));
      expect.fail('opened under another key');
    } catch (err) {
      expect((err as Error).name).to.equal('EnvelopeError');
      expect((err as Error).message).to.match(/^the stored key k1 does not open with keys.rotation.encryptionKey/);
    }
  });

  it('isEnvelope: only the text sealKey writes', () => {
    expect(isEnvelope(sealKey(jwk, 'k1', secret))).to.equal(true);
    expect(isEnvelope(JSON.stringify(jwk))).to.equal(false);
    expect(isEnvelope(jwk)).to.equal(false);
    expect(isEnvelope('v2.a.b.c')).to.equal(false);
  });
});
