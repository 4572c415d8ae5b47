import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { EnvelopeError, openKey, sealKey } from '../../lib/keyring/envelope.js';
import { keyPair } from '../helpers/keys.js';

// Managed rotation stores its private keys sealed with AES-256-GCM. node:crypto accepts a GCM
// tag of 4 to 16 bytes unless the decipher is told its length, so an envelope whose tag was cut
// to its first 4 bytes opened: whoever can write the key records would need ~2^32 tries, fewer
// with the known attacks on short tags (NIST SP 800-38D, appendix C), to plant a key of their own.
describe('attack: a sealed signing key with a truncated GCM tag', function () {
  const secret = randomBytes(32);
  const jwk = keyPair('P-256').privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const withTag = (envelope: string, cut: (tag: Buffer) => Buffer): string => {
    const [v, iv, ct, tag] = envelope.split('.');
    return [v, iv, ct, cut(Buffer.from(tag!, 'base64url')).toString('base64url')].join('.');
  };

  for (const bytes of [4, 8, 12, 15]) {
    it(`refuses the real tag cut to ${bytes} bytes`, function () {
      const sealed = sealKey(jwk, 'k1', secret);
      expect(() => openKey(withTag(sealed, (tag) => tag.subarray(0, bytes)), 'k1', secret)).to.throw(EnvelopeError);
    });
  }

  it('refuses the real tag with a byte added', function () {
    const sealed = sealKey(jwk, 'k1', secret);
    expect(() => openKey(withTag(sealed, (tag) => Buffer.concat([tag, Buffer.from([0])])), 'k1', secret)).to.throw(EnvelopeError);
  });

  it('opens the envelope with its full 16-byte tag', function () {
    const sealed = sealKey(jwk, 'k1', secret);
    expect(Buffer.from(sealed.split('.')[3]!, 'base64url')).to.have.length(16);
    expect(openKey(sealed, 'k1', secret)).to.deep.equal(jwk);
  });
});
