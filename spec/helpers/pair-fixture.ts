import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import supertest from 'supertest';
import { memoryStore } from '../../lib/stores/memory-store.js';
import type { Store } from '../../lib/stores/store.js';

/**
 * Listens on 127.0.0.1 (never every interface) and gives a supertest agent on it; concurrent
 * requests then really run side by side on one server.
 *
 * @example
 * ```ts
 * const served = await listen(app);
 * await served.request.post('/auth/token').send({ ... });
 * await served.close();
 * ```
 */
export async function listen(app: Koa<never> | Koa): Promise<{ request: ReturnType<typeof supertest>; close(): Promise<void> }> {
  const server: Server = createServer((app as Koa).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    request: supertest(`http://127.0.0.1:${port}`),
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/**
 * A memoryStore whose refresh-token calls can be switched to fail ('reject') or never answer
 * ('hang'), with a short timeout so that a hang becomes a 503 quickly.
 */
export function flakyStore(timeout = 50): { store: Store; fail(mode: 'reject' | 'hang' | false, only?: 'save' | 'consume'): void } {
  const base = memoryStore({ timeout });
  let mode: 'reject' | 'hang' | false = false;
  let only: 'save' | 'consume' | undefined;
  const guard = <A extends unknown[], R>(name: 'save' | 'consume' | 'other', call: (...args: A) => Promise<R>) => (...args: A): Promise<R> => {
    if (!mode || (only && only !== name)) return call(...args);
    return mode === 'hang' ? new Promise<R>(() => {}) : Promise.reject(new Error('store down'));
  };
  const refreshTokens = base.refreshTokens;
  const store: Store = {
    ...base,
    refreshTokens: {
      save: guard('save', (r) => refreshTokens.save(r)),
      consume: guard('consume', (jti, now) => refreshTokens.consume(jti, now)),
      revokeFamily: guard('other', (family, now) => refreshTokens.revokeFamily(family, now)),
      isFamilyRevoked: guard('other', (family) => refreshTokens.isFamilyRevoked(family)),
    },
  };
  return { store, fail: (m, o) => { mode = m; only = o; } };
}

/** The cookies of a response, by name: value and the raw attribute string. */
export function cookiesOf(res: { headers: Record<string, unknown> }): Map<string, { value: string; attributes: string }> {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const out = new Map<string, { value: string; attributes: string }>();
  for (const line of list) {
    const [pair, ...rest] = line.split(';');
    const eq = pair!.indexOf('=');
    out.set(pair!.slice(0, eq).trim(), { value: pair!.slice(eq + 1).trim(), attributes: rest.join(';').toLowerCase() });
  }
  return out;
}
