import type { Key } from './key.js';

/** The public JWK of one key as published in the JWKS: never a secret or a private member. */
export interface PublicJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  kid: string;
  use: 'sig';
  alg: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

/** The public JWK of `key`, or undefined for a shared secret (an `oct` key is never published). */
export function toPublicJwk(key: Key): PublicJwk | undefined {
  if (key.verifyingKey.type !== 'public') return undefined;
  const jwk = key.verifyingKey.export({ format: 'jwk' }) as Record<string, string>;
  const members = PUBLIC_MEMBERS[jwk.kty];
  if (!members) return undefined;
  // Picked member by member (an allow-list), so a private member can never slip through.
  const out: Record<string, string> = { kty: jwk.kty, kid: key.kid, use: 'sig', alg: key.alg };
  for (const m of members) if (jwk[m] !== undefined) out[m] = jwk[m];
  return out as unknown as PublicJwk;
}
