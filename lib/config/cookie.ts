import { ConfigError } from '../errors.js';
import type { CookieConfig, ResolvedCookie } from './types.js';

/**
 * `false`, a name, or options → resolved cookie options (HttpOnly, SameSite=Lax, Secure outside
 * development). `at` is the config path, for errors.
 */
export function resolveCookie(value: false | string | CookieConfig | undefined, defaults: { path?: string; at?: string } = {}): false | ResolvedCookie {
  if (value === undefined || value === false) return false;
  const options: CookieConfig = typeof value === 'string' ? { name: value } : value;
  const sameSite = options.sameSite ?? 'lax';
  // Browsers drop a SameSite=None cookie that is not Secure: it would silently never be stored.
  if (sameSite === 'none' && options.secure === false) {
    throw new ConfigError(`${defaults.at ?? 'cookie'}.secure`, "sameSite 'none' needs secure: true (browsers refuse it otherwise)");
  }
  return Object.freeze({
    name: options.name,
    ...(options.domain ? { domain: options.domain } : {}),
    path: options.path ?? defaults.path ?? '/',
    secure: options.secure ?? (sameSite === 'none' || process.env.NODE_ENV === 'production'),
    sameSite,
    httpOnly: options.httpOnly ?? true,
  });
}
