import type { AuthEventMap, AuthEventName, KoaJwt } from '../lib/index.js';

const EVENTS: readonly AuthEventName[] = ['login', 'login_failed', 'throttled', 'refresh', 'reuse_detected', 'logout', 'logout_all', 'impersonate', 'key_change', 'error'];

/** One line per audit event: the time, the event, then its fields (they never hold a token or a password). */
export function formatEvent(name: AuthEventName, event: AuthEventMap[AuthEventName]): string {
  const { at, ...fields } = event as AuthEventMap[AuthEventName] & { error?: unknown };
  if ('error' in fields && fields.error instanceof Error) fields.error = fields.error.message;
  return `${at.toISOString()} auth ${name} ${JSON.stringify(fields)}`;
}

/**
 * Logs every audit event of `auth` (the demo writes them to stdout; a service would send them
 * to its log pipeline).
 *
 * @example
 * ```ts
 * logAuditEvents(auth, (line) => console.log(line));
 * ```
 */
export function logAuditEvents(auth: KoaJwt, log: (line: string) => void): void {
  for (const name of EVENTS) auth.on(name, (event) => log(formatEvent(name, event)));
}
