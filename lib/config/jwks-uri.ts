import { ConfigError } from '../errors.js';

// Names that always mean this machine: a JWKS fetched from them never crosses a network.
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `keys.jwksUri`, checked: https, or http only to this machine or with `keys.jwksAllowHttp`.
 * The keys of an http JWKS can be swapped in transit, and whoever swaps them signs tokens this
 * service accepts (docs/security.md, "Remote JWKS"; spec/security/remote-jwks).
 *
 * @example
 * ```ts
 * resolveJwksUri({ jwksUri: 'http://issuer.internal/jwks.json' }); // ConfigError: keys.jwksUri: …
 * ```
 */
export function resolveJwksUri(keys: { jwksUri?: string | undefined; jwksAllowHttp?: boolean | undefined }): string | undefined {
  const uri = keys.jwksUri;
  if (uri === undefined) return undefined;
  const url = new URL(uri);
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname) && keys.jwksAllowHttp !== true) {
    throw new ConfigError('keys.jwksUri', 'an http:// JWKS can be altered in transit, and with it the keys that verify tokens: use https://, or set keys.jwksAllowHttp: true if the network is trusted');
  }
  return uri;
}
