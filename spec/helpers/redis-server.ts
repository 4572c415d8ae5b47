import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './listen.js';

// A real Redis for the specs: our own redis-server child when the binary is installed (a
// random port, no persistence, a temp dir), else REDIS_URL, else the caller skips saying how.

export const REDIS_SKIP = 'Redis specs skipped: install redis-server (apt-get install -y redis-server) or set REDIS_URL';

/** The redis-server binary on PATH, if any. */
export function redisServerBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, 'redis-server');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch { /* not here */ }
  }
  return undefined;
}

/** How the specs reach Redis here: 'binary' (their own server), 'url' (REDIS_URL), or undefined (skip). */
export function redisAvailability(): 'binary' | 'url' | undefined {
  if (redisServerBinary()) return 'binary';
  return process.env.REDIS_URL ? 'url' : undefined;
}

const running = new Set<ChildProcess>();
// mocha runs with --exit: whatever is still running goes with the process.
process.once('exit', () => { for (const child of running) child.kill('SIGKILL'); });


/**
 * A redis-server child process on 127.0.0.1.
 *
 * @example
 * ```ts
 * const server = await RedisServer.start(['--appendonly', 'yes']);
 * const client = new Redis(server.url);
 * await server.stop();
 * ```
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number, private readonly args: readonly string[], private readonly dir: string) {}

  get url(): string { return `redis://127.0.0.1:${this.port}`; }

  /** Starts a server with no persistence (`--save '' --appendonly no`), then `args` (later ones win). */
  static async start(args: readonly string[] = []): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), args, mkdtempSync(join(tmpdir(), 'koa-jwt-kit-redis-')));
    await server.launch();
    return server;
  }

  private launch(): Promise<void> {
    const child = spawn(redisServerBinary()!, [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...this.args,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    return new Promise((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) {
          child.stdout!.off('data', onData);
          child.stdout!.resume(); // keep draining the log so the child never blocks on a full pipe
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => { output += chunk; });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
    });
  }

  /** Stops the server (SIGTERM) and resolves once it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Stops it and starts it again on the same port (what it held in memory is gone). */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Stops it and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface RedisHandle {
  /** The server's URL (after `before` ran). */
  readonly url: string;
  /** A prefix no other suite uses: stores built with it see only this suite's keys. */
  readonly prefix: string;
  /** A fresh connection, quit in `after`. */
  client(): Redis;
  /** Deletes every key under `prefix`. */
  flush(): Promise<void>;
  /** CLIENT PAUSE: the server answers no client for `ms`. */
  pause(ms: number): Promise<void>;
  /** Stops and restarts our own server on the same port (not possible on REDIS_URL). */
  restart(): Promise<void>;
  /** Our own server, when one was started. */
  readonly server: RedisServer | undefined;
}

/**
 * Mocha hooks for a suite on a real Redis: `before` starts our own server (or takes REDIS_URL,
 * or skips the suite saying how to get one), `after` quits every client and stops the server.
 *
 * @example
 * ```ts
 * describe('redisStore', function () {
 *   const redis = useRedis();
 *   it('…', async () => { const store = redisStore(redis.client(), { prefix: redis.prefix }); });
 * });
 * ```
 */
export function useRedis(options: { args?: readonly string[] } = {}): RedisHandle {
  const clients: Redis[] = [];
  let server: RedisServer | undefined;
  let url = '';
  const prefix = `spec-${process.pid}-${randomBytes(4).toString('hex')}:`;
  const handle: RedisHandle = {
    get url() { return url; },
    prefix,
    get server() { return server; },
    client() {
      const client = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
      // While a spec stops the server, ioredis reports each failed reconnect; it reconnects by itself.
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
    async flush() {
      const admin = handle.client();
      let cursor = '0';
      do {
        const [next, found] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (found.length > 0) await admin.del(...found);
      } while (cursor !== '0');
    },
    async pause(ms) {
      await handle.client().call('CLIENT', 'PAUSE', ms);
    },
    async restart() {
      if (!server) throw new Error('restart needs our own redis-server (REDIS_URL points at a server the specs do not own)');
      await server.restart();
    },
  };

  before(async function () {
    this.timeout(20_000);
    const how = redisAvailability();
    if (!how) {
      console.log(`      ${REDIS_SKIP}`);
      this.skip();
    }
    if (how === 'binary') {
      server = await RedisServer.start(options.args);
      url = server.url;
    } else {
      url = process.env.REDIS_URL!;
    }
  });

  after(async function () {
    this.timeout(20_000);
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
    await server?.destroy();
  });

  return handle;
}
