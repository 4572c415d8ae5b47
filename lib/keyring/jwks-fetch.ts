import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isValidKid } from './key.js';
import { type JwkObject, jwkMisuse } from './material.js';

/** Limits of one JWKS fetch. */
export interface JwksFetchLimits {
  /** Bytes of body read at most; a longer body is refused (default 1 MiB: ~2,000 EC keys). */
  maxBytes: number;
  /** Milliseconds the whole fetch may take, from connect to the last byte (default 5 s). */
  deadline: number;
}

export const DEFAULT_JWKS_LIMITS: Readonly<JwksFetchLimits> = Object.freeze({ maxBytes: 1 << 20, deadline: 5000 });

/** A JWKS fetch that failed: too big, too slow, not 200, not a JWKS. */
export class JwksFetchError extends Error {}

/**
 * GETs a JWKS with a byte cap and a total deadline. jwks-rsa's own request has neither: its
 * timeout is an idle timeout that every byte resets, so an issuer dripping one byte every 3 s held
 * every request that needed it, and a 600 MB answer was read into memory whole (spec/security/remote-jwks).
 *
 * @example
 * ```ts
 * const { keys } = await fetchJwks('https://issuer.example/.well-known/jwks.json', DEFAULT_JWKS_LIMITS);
 * ```
 */
export function fetchJwks(uri: string, limits: JwksFetchLimits): Promise<{ keys: JwkObject[] }> {
  return new Promise((resolve, reject) => {
    const url = new URL(uri);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', headers: { accept: 'application/json' } });
    const fail = (message: string) => {
      clearTimeout(timer);
      req.destroy();
      reject(new JwksFetchError(`JWKS ${uri}: ${message}`));
    };
    const timer = setTimeout(() => fail(`no complete answer within ${limits.deadline} ms`), limits.deadline);
    req.on('error', (err) => fail(err.message));
    req.on('response', (res) => {
      if (res.statusCode !== 200) return fail(`answered ${res.statusCode}`);
      const declared = Number(res.headers['content-length']);
      if (declared > limits.maxBytes) return fail(`declares ${declared} bytes, more than ${limits.maxBytes}`);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) return fail(`is larger than ${limits.maxBytes} bytes`);
        chunks.push(chunk);
      });
      res.on('error', (err) => fail(err.message));
      res.on('end', () => {
        clearTimeout(timer);
        try {
          resolve(usableKeys(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        } catch (err) {
          reject(new JwksFetchError(`JWKS ${uri}: ${(err as Error).message}`));
        }
      });
    });
    req.end();
  });
}

/**
 * The keys of a JWKS document that may verify JWS, checked as a configured JWK is: a kid, `use`
 * `sig` or none, `key_ops` allowing `verify`, a JWS `alg` (RFC 7517 §4.2-4.4), no secret (`oct`)
 * and no private member. The rest are dropped, not fatal: one bad entry does not take the others.
 */
export function usableKeys(document: unknown): { keys: JwkObject[] } {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error('not a JWKS (no "keys" array)');
  return {
    keys: keys.filter((jwk): jwk is JwkObject => typeof jwk === 'object' && jwk !== null
      && typeof jwk.kty === 'string' && jwk.kty !== 'oct' && !('d' in jwk)
      && isValidKid(jwk.kid) && jwkMisuse(jwk as JwkObject, 'verify') === undefined),
  };
}
