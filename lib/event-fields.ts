import type { Context } from 'koa';
import type { JwtPayload } from './tokens/claims.js';
import { familyIdOf } from './tokens/family.js';
import { userIdOf } from './tokens/claims.js';

// The fields of audit events (lib/events.ts), taken from a request and from token claims. Only
// ids and names are taken: never the token, never a secret.

/** The client address of a request (Koa's ctx.ip, so app.proxy is honoured). */
export const clientOf = (ctx: Context | undefined): { ip?: string } => (ctx?.ip !== undefined ? { ip: ctx.ip } : {});

/** The user of a payload: its user id and username, where present. */
export function userFields(payload: JwtPayload): { userId?: string; username?: string } {
  const id = userIdOf(payload);
  return { ...(id !== undefined ? { userId: id } : {}), ...(typeof payload.username === 'string' ? { username: payload.username } : {}) };
}

/** The jti and refresh family of a token's claims. */
export function tokenIds(payload: { exp?: number; [claim: string]: unknown }): { jti?: string; family?: string } {
  const family = familyIdOf(payload as JwtPayload);
  return { ...(typeof payload.jti === 'string' ? { jti: payload.jti } : {}), ...(family !== undefined ? { family } : {}) };
}
