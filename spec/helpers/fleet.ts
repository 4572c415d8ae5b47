import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Real Node processes sharing one Redis: what a fleet behind a load balancer is. Each runs
// spec/fleet/instance.ts; a spec talks to it over HTTP on 127.0.0.1.

const INSTANCE = fileURLToPath(new URL('../fleet/instance.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface FleetInstanceOptions {
  readonly redisUrl: string;
  /** The Redis key prefix: one per spec, so that specs on one server never meet. */
  readonly prefix: string;
  /** HS256 secret (without `rotation`). */
  readonly secret?: string;
  /** An ES256 pair in PEM: issuers sign with the private key, a verify-only service holds the public one. */
  readonly ecKeyPem?: { privateKey: string; publicKey: string };
  readonly rotation?: { algorithm?: 'ES256' | 'RS256' | 'PS256' | 'EdDSA'; every: number; publishAhead: number; checkEvery: number; retireAfter: number; jwksMaxAge: number };
  readonly pair?: boolean;
  /** Turns `blacklist.cache` on with this `cacheSeconds`. */
  readonly cacheSeconds?: number;
  /** No users, no routes: a service that only verifies. */
  readonly verifyOnly?: boolean;
  readonly expiresIn?: number | string;
  readonly storeTimeoutMs?: number;
  /** Listen on this port (a restarted instance keeps its address). */
  readonly port?: number;
}

export interface FleetInstance {
  readonly port: number;
  readonly url: string;
  /** The `error` events the instance reported, as parsed JSON lines. */
  readonly errors: Record<string, unknown>[];
  /** SIGTERM, and resolves when the process is gone. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => { for (const child of live) child.kill('SIGKILL'); });

/** Starts one instance and resolves once it listens (60 s at most: tsx compiles it first). */
export function startInstance(options: FleetInstanceOptions): Promise<FleetInstance> {
  const child = spawn(process.execPath, ['--import', 'tsx', INSTANCE], {
    cwd: ROOT,
    env: { ...process.env, FLEET_INSTANCE: JSON.stringify(options), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const errors: Record<string, unknown>[] = [];
  let stderr = '';
  createInterface({ input: child.stderr! }).on('line', (line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.event === 'error') { errors.push(parsed); return; }
    } catch { /* not one of ours */ }
    stderr += line + '\n';
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { live.delete(child); resolve(); }));
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`fleet instance did not listen within 60 s\n${stderr}`)); }, 60_000);
    child.once('exit', (code) => { clearTimeout(deadline); reject(new Error(`fleet instance exited with ${code}\n${stderr}`)); });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(deadline);
      const { port } = JSON.parse(line) as { port: number };
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        errors,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          const forced = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(forced);
        },
      });
    });
  });
}

/** Starts several instances at once. */
export function startFleet(count: number, options: FleetInstanceOptions): Promise<FleetInstance[]> {
  return Promise.all(Array.from({ length: count }, () => startInstance(options)));
}

/** JSON request to an instance; resolves status, headers and parsed body (never rejects on a status). */
export async function call(instance: FleetInstance, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(instance.url + path, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try { body = JSON.parse(text) as Record<string, unknown>; } catch { body = { text }; }
  return { status: response.status, headers: response.headers, body };
}

/** Logs alice in at `instance`: the token (and the refresh token in pair mode). */
export async function login(instance: FleetInstance): Promise<{ token: string; refresh?: string }> {
  const { status, body } = await call(instance, 'POST', '/auth/token', { body: { username: 'alice', password: 'alice-password' } });
  if (status !== 201) throw new Error(`login answered ${status}: ${JSON.stringify(body)}`);
  return { token: body.token as string, ...(typeof body.refresh === 'string' ? { refresh: body.refresh } : {}) };
}
