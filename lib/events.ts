import { EventEmitter } from 'node:events';
import type { StoreCall } from './errors.js';

/** What every audit event carries, where known. Never a token, a secret or a password. */
export interface AuthEventBase {
  /** When it happened. */
  at: Date;
  /** The client address (Koa's `ctx.ip`: X-Forwarded-For's when `app.proxy` is on). */
  ip?: string;
  userId?: string;
  username?: string;
  /** The id (`jti`) of the token the event is about: the one issued, refreshed from, or revoked. */
  jti?: string;
  /** The refresh family (`orig_jti`, else the first token's jti). */
  family?: string;
}

/** Why a login failed: for the log only, the HTTP answer is one body for all of them. */
export type LoginFailedReason = 'unknown_user' | 'wrong_password' | 'inactive';

/** Where a background failure happened. */
export type ErrorSource = 'rotation' | 'stored_key' | 'jwks' | 'revocation_cache' | 'password_upgrade' | 'throttle' | 'listener' | 'store';

export interface AuthEventMap {
  login: AuthEventBase;
  /** `reason` is absent when the user store could not be asked which it was. Emitted just after the 401 is answered. */
  login_failed: AuthEventBase & { reason?: LoginFailedReason };
  /** `limit`: which limit refused it; `hashing` means the bound on password hashing was full. */
  throttled: AuthEventBase & { route: 'obtain' | 'refresh' | 'impersonate'; limit: 'username' | 'address' | 'hashing'; retryAfter: number };
  /** `jti`: the new token's; `previousJti`: the token it was refreshed from. */
  refresh: AuthEventBase & { previousJti?: string };
  /** A consumed refresh token came back: `family` was revoked whole. */
  reuse_detected: AuthEventBase & { family: string };
  logout: AuthEventBase;
  logout_all: AuthEventBase;
  /** `userId`/`username` are the target's; `actor` is the superuser's. */
  impersonate: AuthEventBase & { actor: { userId: string; username?: string } };
  key_change: AuthEventBase & { change: 'add' | 'promote' | 'retire' | 'remove'; kid: string };
  /**
   * A failure no request saw (a timer's, a listener's): `error` is the cause. Source `store`: the
   * store failed or missed its deadline and a request answered 503 (or went on without the check
   * under `blacklist.onStoreError: 'allow'`); `part` and `operation` name the call, and at most one
   * such event per part and operation is emitted in 30 s, `suppressed` counting the failures
   * left out since the last one.
   */
  error: AuthEventBase & { source: ErrorSource; error: unknown; kid?: string; part?: StoreCall['part']; operation?: string; suppressed?: number };
}

export type AuthEventName = keyof AuthEventMap;
export type AuthEventListener<E extends AuthEventName> = (event: AuthEventMap[E]) => void;

/** Event fields as the emitting code gives them (`at` is added). */
export type AuthEventInput<E extends AuthEventName> = Omit<AuthEventMap[E], 'at'> & { at?: Date };

/**
 * The audit events of one koaJwt instance (`auth.on(event, listener)`, the Koa convention of
 * `app.on('error')`). Built on Node's EventEmitter with two differences, because an audit log
 * must never break a login: a listener that throws is reported as an `error` event (source
 * `listener`) instead of failing the request; and an `error` with no listener, which
 * EventEmitter would throw, is written once with console.warn (later ones are dropped; add a
 * listener to see them all).
 *
 * @example
 * ```ts
 * const events = new AuthEvents();
 * events.on('login_failed', (e) => log.warn({ ip: e.ip, username: e.username, reason: e.reason }));
 * events.emit('login_failed', { ip: '203.0.113.7', username: 'alice', reason: 'wrong_password' });
 * ```
 */
export class AuthEvents {
  readonly #emitter = new EventEmitter();
  #warned = false;

  on<E extends AuthEventName>(event: E, listener: AuthEventListener<E>): this {
    this.#emitter.on(event, listener as (e: unknown) => void);
    return this;
  }

  once<E extends AuthEventName>(event: E, listener: AuthEventListener<E>): this {
    this.#emitter.once(event, listener as (e: unknown) => void);
    return this;
  }

  off<E extends AuthEventName>(event: E, listener: AuthEventListener<E>): this {
    this.#emitter.off(event, listener as (e: unknown) => void);
    return this;
  }

  /** True when someone listens to `event` (work done only for an event, such as finding a login_failed reason, is skipped otherwise). */
  has(event: AuthEventName): boolean {
    return this.#emitter.listenerCount(event) > 0;
  }

  emit<E extends AuthEventName>(event: E, fields: AuthEventInput<E>): void {
    // Most services listen to few events: an event nobody hears costs one lookup, no allocation.
    if (event !== 'error' && this.#emitter.listenerCount(event) === 0) return;
    const payload = { at: new Date(), ...fields } as AuthEventMap[E];
    if (event === 'error' && !this.has('error')) {
      this.#warnOnce(payload as AuthEventMap['error']);
      return;
    }
    for (const listener of this.#emitter.rawListeners(event)) {
      try {
        // rawListeners gives once() wrappers, which remove themselves when called.
        (listener as (e: unknown) => void).call(this.#emitter, payload);
      } catch (err) {
        if (event === 'error') this.#warnOnce({ at: new Date(), source: 'listener', error: err });
        else this.emit('error', { source: 'listener', error: err });
      }
    }
  }

  #warnOnce(event: AuthEventMap['error']): void {
    if (this.#warned) return;
    this.#warned = true;
    const reason = (event.error instanceof Error ? event.error.message : String(event.error)).replace(/\.$/, '');
    // A store failure is the one most worth seeing unasked: without it an outage shows only as 503s.
    const what = event.source === 'store' ? `a store failure (${event.part ?? 'store'}.${event.operation ?? 'call'})` : `a background failure (${event.source}${event.kid ? `, kid ${event.kid}` : ''})`;
    console.warn(`koa-jwt-kit: ${what}: ${reason}. Listen with auth.on('error', …) to see every one; this warning is shown once.`);
  }
}
