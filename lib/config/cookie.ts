import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { HTTP_TOKEN } from './http-token.js';

// What the cookies package (Koa's ctx.cookies) accepts: checked here so that a wrong value
// stops start-up instead of throwing on the first obtain (a 500).
const cookieName = z.string().regex(HTTP_TOKEN, "expected a cookie name: an HTTP token, without spaces, ';' or '='");
const cookieOptions = z.strictObject({
  name: cookieName,
  domain: z.string().regex(/^([.]?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i, 'expected a domain name').optional(),
  path: z.string().regex(/^\/[ -:=-~]*$/, "expected a path starting with '/' without ';' or control characters").optional(),
  secure: z.boolean().optional(),
  sameSite: z.enum(['strict', 'lax', 'none']).optional(),
  httpOnly: z.boolean().optional(),
});

/** The config of a cookie (`cookie`, `refresh.cookie`, `impersonation.cookie`): `false`, a name, or its options. */
export const cookieSchema = z.union([z.literal(false), cookieName, cookieOptions], { message: 'expected false, a cookie name, or { name, domain, path, secure, sameSite, httpOnly }' });

/** A cookie: `false`, a name, or `{ name, domain, path, secure, sameSite, httpOnly }`. */
export type CookieConfig = z.input<typeof cookieOptions>;

/** A cookie's options after parsing. */
export interface ResolvedCookie {
  readonly name: string;
  readonly domain?: string;
  readonly path: string;
  readonly secure: boolean;
  readonly sameSite: 'strict' | 'lax' | 'none';
  readonly httpOnly: boolean;
}

/**
 * `false`, a name, or options → resolved cookie options (HttpOnly, SameSite=Lax, Secure in
 * production: `production`, from NODE_ENV). `at` is the config path, for errors.
 */
export function resolveCookie(value: false | string | CookieConfig | undefined, defaults: { path?: string; at?: string; production?: boolean } = {}): false | ResolvedCookie {
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
    secure: options.secure ?? (sameSite === 'none' || defaults.production === true),
    sameSite,
    httpOnly: options.httpOnly ?? true,
  });
}
