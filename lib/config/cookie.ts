import type { CookieConfig, ResolvedCookie } from './types.js';

/** `false`, a name, or options → resolved cookie options (HttpOnly, SameSite=Lax, Secure outside development). */
export function resolveCookie(value: false | string | CookieConfig | undefined, defaults: { path?: string } = {}): false | ResolvedCookie {
  if (value === undefined || value === false) return false;
  const options: CookieConfig = typeof value === 'string' ? { name: value } : value;
  return Object.freeze({
    name: options.name,
    ...(options.domain ? { domain: options.domain } : {}),
    path: options.path ?? defaults.path ?? '/',
    secure: options.secure ?? process.env.NODE_ENV === 'production',
    sameSite: options.sameSite ?? 'lax',
    httpOnly: options.httpOnly ?? true,
  });
}
