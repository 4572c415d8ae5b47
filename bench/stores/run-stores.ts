import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_PERSISTENCE_WARNING } from '../../lib/redis.js';
import { hasTaskset, lines, startApp, startLoad, spawnTsx } from '../http/run-http.js';
import { type Measured, startChains, usageOf } from './probes.js';
import { type Fixture, makeAuth, tokenOf } from '../setup.js';
import { benchRedis } from './redis-server.js';
import { STORE_APPS, type StoreAppId } from './server.js';

type AppId = StoreAppId | 'bare';

/**
 * Each measured run after its base, the ratio kept per pair: every GET after bare Koa (the share
 * the HTTP table gives) and every Redis run after the memory store of the same config.
 */
const PAIRS: ReadonlyArray<readonly [base: AppId, run: StoreAppId]> = [
  ['bare', 'memory'], ['bare', 'memory-cache'], ['bare', 'redis'], ['bare', 'redis-pipe'], ['bare', 'redis-cache'],
  ['memory', 'redis'], ['memory', 'redis-pipe'], ['memory-cache', 'redis-cache'],
  ['refresh-memory', 'refresh-redis'], ['refresh-memory', 'refresh-redis-pipe'],
];

/** The memory-store run each Redis run is a share of. */
export const MEMORY_OF: Readonly<Partial<Record<StoreAppId, StoreAppId>>> = Object.fromEntries(PAIRS.filter(([b]) => b !== 'bare').map(([b, r]) => [r, b]));

export interface StoreRow {
  id: StoreAppId;
  label: string;
  refresh: boolean;
  /** Medians over the rounds (GET: autocannon; refresh: the chains). */
  reqPerSec: number;
  p50: number;
  p99: number;
  /** Median of per-pair ratios to the memory store of the same config (Redis runs). */
  memoryShare?: number;
  /**
   * Median of per-pair ratios of the memory store's server CPU per request to this run's: the
   * req/s share a saturated core would give. CPU time per request moves much less than req/s
   * when other processes take the core away.
   */
  memoryCpuShare?: number;
  /** The app process's CPU time (user + system) per answered request, µs (median over the rounds). */
  cpuPerRequest?: number;
  /** Median of per-pair ratios to bare Koa (GET runs). */
  bareShare?: number;
  /** Redis calls the app sent per answered request (median over the rounds): 0 for memory runs. */
  callsPerRequest?: number;
  /** Non-2xx answers, socket errors, broken refresh chains: must be 0. */
  unexpected: number;
}

export type StoresResult =
  | { rows: StoreRow[]; connections: number; chains: number; duration: number; rounds: number; pinned: boolean; redis: string }
  | { skipped: string };

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * The store rows: a protected GET with the memory and the Redis store (revocation checked on
 * every request, with and without blacklist.cache, and with ioredis auto-pipelining), and pair
 * mode's refresh/s, memory and Redis. Every app in its own process (core 0 when pinned), the
 * load generators on core 1; redis-server is not pinned. Rounds, warm-up and pairing as in the
 * HTTP part: only ratios within one run mean anything.
 */
export async function runStores(fixture: Fixture, options: { quick: boolean; log: (line: string) => void }): Promise<StoresResult> {
  const redis = await benchRedis();
  if (redis.url === undefined) return { skipped: redis.skipped };
  const duration = options.quick ? 1 : 2;
  // Five rounds, not the HTTP part's three: its ratios are the result here, and the median of five pairs moves less.
  const rounds = options.quick ? 1 : 5;
  const connections = 50;
  const chains = 50;
  const pinned = hasTaskset();
  const token = await tokenOf(makeAuth('HS256', fixture));
  // No jti, no revocation check: the GET rows would not reach the store at all.
  if (typeof JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti !== 'string') throw new Error('the bench token has no jti');

  const children: ChildProcess[] = [];
  try {
    const env = { ...process.env, BENCH_FIXTURE: JSON.stringify(fixture), BENCH_REDIS_URL: redis.url, BENCH_REDIS_PREFIX: redis.prefix };
    const ports = new Map<AppId, string>();
    const bare = await startApp('bare', fixture, pinned);
    children.push(bare.child);
    ports.set('bare', bare.port);
    for (const id of Object.keys(STORE_APPS) as StoreAppId[]) {
      // The bench's server keeps nothing on disk on purpose: the store's warning about it is noise here.
      const child = spawnTsx(here('./server.ts'), [id], pinned ? 0 : undefined, env, [`--disable-warning=${REDIS_PERSISTENCE_WARNING}`]);
      children.push(child);
      const port = /READY (\d+)/.exec(await lines(child)())?.[1];
      if (!port) throw new Error(`store app ${id} did not start`);
      ports.set(id, port);
    }
    const load = startLoad(pinned, connections);
    const chainLoad = startChains(pinned, chains);
    children.push(load.child, chainLoad.child);
    const isRefresh = (id: AppId) => id !== 'bare' && STORE_APPS[id].refresh;
    const measure = (id: AppId, seconds: number): Promise<Measured> => {
      const base = `http://127.0.0.1:${ports.get(id)}`;
      return isRefresh(id) ? chainLoad.measure(base, seconds) : load.measure(`${base}/`, token, seconds);
    };

    const ids = [...ports.keys()];
    options.log(`  Redis: ${redis.source} at ${redis.url}; warm-up: every app for 1 s (${ids.length} apps)`);
    for (const id of ids) await measure(id, 1);
    const samples = new Map<AppId, Measured[]>(ids.map((id) => [id, []]));
    const calls = new Map<AppId, number[]>(ids.map((id) => [id, []]));
    const cpu = new Map<AppId, number[]>(ids.map((id) => [id, []]));
    const cpuShares = new Map<AppId, number[]>(ids.map((id) => [id, []]));
    const bareShares = new Map<AppId, number[]>(ids.map((id) => [id, []]));
    const memoryShares = new Map<AppId, number[]>(ids.map((id) => [id, []]));
    const measureCounting = async (id: AppId): Promise<Measured & { cpuPerRequest?: number }> => {
      const base = `http://127.0.0.1:${ports.get(id)}`;
      const before = id === 'bare' ? undefined : await usageOf(base);
      const m = await measure(id, duration);
      samples.get(id)!.push(m);
      if (!before || m.total === 0) return m;
      // Requests still in flight at the end and the chains' seeds are counted in: about 1 in 50.
      const after = await usageOf(base);
      calls.get(id)!.push((after.calls - before.calls) / m.total);
      const cpuPerRequest = (after.cpuMicros - before.cpuMicros) / m.total;
      cpu.get(id)!.push(cpuPerRequest);
      return { ...m, cpuPerRequest };
    };
    for (let round = 0; round < rounds; round++) {
      options.log(`  round ${round + 1}/${rounds}: ${PAIRS.length} runs, each after its base, × ${duration} s`);
      for (let i = 0; i < PAIRS.length; i++) {
        const [base, id] = PAIRS[(i + round * 3) % PAIRS.length]!;
        const b = await measureCounting(base);
        const own = await measureCounting(id);
        (base === 'bare' ? bareShares : memoryShares).get(id)!.push(own.reqPerSec / b.reqPerSec);
        if (base !== 'bare' && own.cpuPerRequest && b.cpuPerRequest) cpuShares.get(id)!.push(b.cpuPerRequest / own.cpuPerRequest);
      }
    }
    const rows = (Object.keys(STORE_APPS) as StoreAppId[]).map((id): StoreRow => {
      const s = samples.get(id)!;
      const optional = (values: number[]) => (values.length ? median(values) : undefined);
      const memoryShare = optional(memoryShares.get(id)!);
      const bareShare = optional(bareShares.get(id)!);
      const callsPerRequest = optional(calls.get(id)!);
      const cpuPerRequest = optional(cpu.get(id)!);
      const memoryCpuShare = optional(cpuShares.get(id)!);
      return {
        id, label: STORE_APPS[id].label, refresh: STORE_APPS[id].refresh,
        reqPerSec: median(s.map((m) => m.reqPerSec)), p50: median(s.map((m) => m.p50)), p99: median(s.map((m) => m.p99)),
        ...(memoryShare !== undefined ? { memoryShare } : {}),
        ...(bareShare !== undefined ? { bareShare } : {}),
        ...(callsPerRequest !== undefined ? { callsPerRequest } : {}),
        ...(cpuPerRequest !== undefined ? { cpuPerRequest } : {}),
        ...(memoryCpuShare !== undefined ? { memoryCpuShare } : {}),
        unexpected: s.reduce((n, m) => n + m.non2xx + m.errors, 0),
      };
    });
    return { rows, connections, chains, duration, rounds, pinned, redis: redis.source };
  } finally {
    for (const child of children) child.kill();
    await redis.stop();
  }
}
