import { type Cell, table, type Target } from '../table.js';
import { MEMORY_OF, type StoreRow, type StoresResult } from './run-stores.js';

const pct = (r: number | undefined) => (r === undefined ? '' : `${(r * 100).toFixed(0)}%`);
const rate = (n: number) => Math.round(n).toLocaleString('en-US');

// A performance target (bench/README.md): with blacklist.cache no store round trip is left on the hot path.
const REDIS_CACHE_MIN = 0.85;

/** The stores' heading and table (or why they were skipped), and their target. */
export function storesSection(stores: StoresResult, options: { markdown: boolean; heading: (title: string) => string }, targets: Target[]): string[] {
  const title = 'Stores: protected GET / (HS256, default config + the store) and pair-mode refreshes';
  if ('skipped' in stores) return [options.heading(title), '', `Skipped: ${stores.skipped}.`];
  const { rows } = stores;
  const memoryLabel = (r: StoreRow) => {
    const base = MEMORY_OF[r.id];
    return base ? rows.find((m) => m.id === base)?.label ?? base : '';
  };
  const cells = rows.map((r): Cell[] => [
    r.label, rate(r.reqPerSec), `${r.p50} ms`, `${r.p99} ms`,
    r.memoryShare === undefined ? '' : `${pct(r.memoryShare)} of ${memoryLabel(r)}`,
    pct(r.memoryCpuShare),
    pct(r.bareShare),
    r.cpuPerRequest === undefined ? '' : `${r.cpuPerRequest.toFixed(0)} µs`,
    r.callsPerRequest === undefined ? '' : r.callsPerRequest.toFixed(2),
    r.unexpected,
  ]);
  const cached = rows.find((r) => r.id === 'redis-cache');
  if (cached?.memoryShare !== undefined) {
    targets.push({ what: `HTTP Redis store with blacklist.cache ≥ ${pct(REDIS_CACHE_MIN)} of the memory store's req/s`, measured: `${pct(cached.memoryShare)} (by server CPU per request: ${pct(cached.memoryCpuShare) || 'n/a'})`, ok: cached.memoryShare >= REDIS_CACHE_MIN });
  }
  const how = `GET: autocannon, ${stores.connections} connections; refresh: ${stores.chains} chains, each sending the refresh token the last answer gave; median of ${stores.rounds} interleaved rounds of ${stores.duration} s, each run right after its base; Redis: ${stores.redis}${stores.redis === 'own redis-server' ? ', no persistence' : ''}${stores.pinned ? '; apps and load generators pinned to separate cores, redis-server not pinned' : ''}`;
  return [
    options.heading(`${title} (${how})`), '',
    table(['run', 'req/s', 'p50', 'p99', 'req/s: share of the memory store (same config)', 'by server CPU per request', 'req/s: share of bare Koa', 'server CPU per request', 'Redis calls per request', 'unexpected answers'], cells, options.markdown),
  ];
}
