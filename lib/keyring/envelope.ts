import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Private keys of managed rotation are stored as `v1.<iv>.<ciphertext>.<tag>` (base64url):
// AES-256-GCM under a key derived from keys.rotation.encryptionKey with HKDF-SHA256, and the
// kid as additional authenticated data, so an envelope moved to another record does not open.

const VERSION = 'v1';
// GCM's full tag. node:crypto accepts any tag of 4 to 16 bytes unless told the length: a
// truncated tag would open (the first 4 bytes of the real one do), and short tags make forging
// an envelope cheap (NIST SP 800-38D, appendix C).
const TAG_BYTES = 16;
const INFO = Buffer.from('koa-jwt-kit signing key envelope v1');

/** Thrown when an envelope is malformed, or was sealed under another key or kid. */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

function deriveKey(secret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), INFO, 32));
}

/**
 * Encrypts a private JWK for storage.
 *
 * @example
 * ```ts
 * const stored = sealKey(privateJwk, 'kid-1', encryptionKey); // 'v1.…'
 * ```
 */
export function sealKey(jwk: Record<string, unknown>, kid: string, secret: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret), iv);
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/**
 * Decrypts what sealKey stored. Throws EnvelopeError for a wrong key, a wrong kid or a
 * tampered envelope (GCM authenticates all three).
 *
 * @example
 * ```ts
 * const jwk = openKey(stored, 'kid-1', encryptionKey);
 * ```
 */
export function openKey(envelope: string, kid: string, secret: Buffer): Record<string, unknown> {
  const parts = envelope.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new EnvelopeError(`the stored key ${kid} is not a ${VERSION} envelope`);
  const [, iv, ciphertext, tag] = parts as [string, string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(secret), Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new EnvelopeError(`the stored key ${kid} does not open with keys.rotation.encryptionKey (wrong key, or the record was altered): ${(err as Error).message}`);
  }
}

/** True for what sealKey produces (a JWK object is stored as it is when no encryptionKey is set). */
export const isEnvelope = (value: unknown): value is string => typeof value === 'string' && value.startsWith(`${VERSION}.`);
