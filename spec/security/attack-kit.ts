import { constants, createHmac, type KeyObject, sign as cryptoSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Response } from 'supertest';
import { SECRET } from '../helpers/keys.js';
import { nowSeconds } from '../helpers/tokens.js';
import type { TestApp } from '../helpers/app.js';

// Tools of the attacker: tokens built byte by byte (any header, any payload text, any key),
// and the one assertion every attack spec makes — the exact status and error code.

export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** A claim set the test app accepts for alice, with `extra` merged over it. */
export function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const at = nowSeconds();
  return { user_id: '1', username: 'alice', iat: at, exp: at + 60, ...extra };
}

export type Signer = { hmac: string | Buffer | KeyObject; hash?: 'sha256' | 'sha384' | 'sha512' } | { key: KeyObject; alg: string } | { none: true };

/**
 * A compact JWS of exactly this header and payload text, signed as `signer` says: HMAC with
 * any bytes as the key (the HS/RS confusion), an asymmetric key, or no signature at all.
 */
export function forge(header: Record<string, unknown> | string, payload: Record<string, unknown> | string, signer: Signer = { hmac: SECRET }): string {
  const h = typeof header === 'string' ? header : JSON.stringify(header);
  const p = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const input = `${b64url(h)}.${b64url(p)}`;
  if ('none' in signer) return `${input}.`;
  if ('hmac' in signer) return `${input}.${createHmac(signer.hash ?? 'sha256', signer.hmac).update(input).digest('base64url')}`;
  const { key, alg } = signer;
  if (alg === 'EdDSA') return `${input}.${cryptoSign(null, Buffer.from(input), key).toString('base64url')}`;
  const hash = `sha${alg.slice(2)}`;
  const options = alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' as const }
    : alg.startsWith('PS') ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 } : key;
  return `${input}.${cryptoSign(hash, Buffer.from(input), options).toString('base64url')}`;
}

/** GET /me with `Authorization: Bearer <token>`. */
export function getMe(app: TestApp, token: string) {
  return app.request.get('/me').set('Authorization', `Bearer ${token}`);
}

/** The response is `status` with `{ error: code }` — never a 500, never a pass. */
export function expectError(res: Response, status: number, code: string): void {
  expect(res.status, `${res.status} ${JSON.stringify(res.body)}`).to.equal(status);
  expect(res.body.error, JSON.stringify(res.body)).to.equal(code);
}

/** A 401 with the given code, and the RFC 6750 challenge that goes with a presented token. */
export function expectRefused(res: Response, code = 'token_invalid'): void {
  expectError(res, 401, code);
  expect(res.headers['www-authenticate']).to.match(/^Bearer realm="api"/);
}

/**
 * An HTTP server on 127.0.0.1 that counts the requests it receives: the target of a `jku` or
 * `x5u` header, or a JWKS, to prove what is (not) fetched.
 */
export async function countingServer(body = '{"keys":[]}'): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.setHeader('Content-Type', 'application/json');
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
