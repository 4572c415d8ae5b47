import type { HttpResult, HttpRow } from './http/run-http.js';
import { bareOf } from './http/server.js';
import type { ImportResult } from './imports.js';
import { MICRO, type MicroResult, type MicroRow } from './micro.js';
import { BENCH_ALGS } from './setup.js';
import { storesSection } from './stores/report.js';
import type { StoresResult } from './stores/run-stores.js';
import { type Cell, table, type Target } from './table.js';

export interface Report {
  machine: { cores: number; cpu: string; node: string; date: string; quick: boolean; load: string };
  micro?: MicroResult;
  http?: HttpResult;
  imports?: ImportResult;
  stores?: StoresResult;
}

const fmtNs = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
// A difference of two medians: below zero means "lost in the noise of the two runs", not a gain.
const fmtDelta = (ns: number): string => (ns <= 0 ? '≈0 (below noise)' : fmtNs(ns));
const x = (r: number) => `${r.toFixed(2)}×`;
const pct = (r: number) => `${(r * 100).toFixed(0)}%`;
const check = (ok: boolean) => (ok ? 'met' : 'NOT met');

// A performance target (bench/README.md): auth.verify without cache against the raw floor.
const FLOOR_LIMITS: Readonly<Record<string, number>> = { HS256: 1.3, RS256: 1.08, PS256: 1.08, ES256: 1.08, EdDSA: 1.05 };

function microSection(micro: MicroResult, markdown: boolean, targets: Target[]): string {
  const find = (alg: MicroRow['alg'], name: string) => micro.rows.find((r) => r.alg === alg && r.name === name)?.ns;
  const ratio = (alg: MicroRow['alg'], name: string) => micro.rows.find((r) => r.alg === alg && r.name === name)?.floorRatio;
  const rows: Cell[][] = [];
  for (const alg of BENCH_ALGS) {
    const floor = find(alg, MICRO.floor);
    for (const r of micro.rows.filter((row) => row.alg === alg)) {
      rows.push([alg, r.name, fmtNs(r.ns), Math.round(1e9 / r.ns).toLocaleString('en-US'), r.floorRatio === undefined ? '' : x(r.floorRatio)]);
    }
    const ours = ratio(alg, MICRO.oursNoCache);
    if (ours !== undefined && floor) targets.push({ what: `${alg} auth.verify without cache ≤ ${FLOOR_LIMITS[alg]}× the raw floor`, measured: x(ours), ok: ours <= FLOOR_LIMITS[alg]! });
  }
  const good = ratio('HS256', MICRO.oursNoCache);
  const forged = ratio('HS256', MICRO.oursForged);
  if (good && forged) targets.push({ what: 'HS256 refusing a forged token ≤ accepting a good one, no cache (5% noise margin)', measured: x(forged / good), ok: forged / good <= 1.05 });
  const rev = micro.rows.filter((r) => r.alg === 'revocation');
  for (const r of rev) rows.push(['revocation', r.name, fmtNs(r.ns), Math.round(1e9 / r.ns).toLocaleString('en-US'), '']);
  const base = rev.find((r) => r.name.startsWith('verifySignatureAndClaims'))?.ns;
  const store = rev.find((r) => r.name.includes('memory-store'))?.ns;
  const cached = rev.find((r) => r.name.includes('blacklist.cache'))?.ns;
  if (base) targets.push({ what: 'verified-token cache hit (signature and claims) < 0.5 µs', measured: fmtNs(base), ok: base < 500 });
  if (base && store) targets.push({ what: 'revocation check, memory store, not revoked < 0.5 µs', measured: fmtDelta(store - base), ok: store - base < 500 });
  if (base && cached) targets.push({ what: 'revocation check, blacklist.cache, not revoked < 0.5 µs', measured: fmtDelta(cached - base), ok: cached - base < 500 });
  return table(['alg', 'verifier', 'median time/op', 'ops/s', '× floor (median of per-round ratios)'], rows, markdown);
}

function httpSection(http: HttpResult, markdown: boolean, targets: Target[]): string {
  const get = (id: string): HttpRow | undefined => http.rows.find((r) => r.id === id);
  const share = (r: HttpRow) => r.share;
  const kjKey = get('koa-jwt-keyobject');
  const kjStr = get('koa-jwt-string');
  const rows = http.rows.map((r): Cell[] => {
    const s = share(r);
    return [
      r.label, Math.round(r.reqPerSec).toLocaleString('en-US'), `${r.p50} ms`, `${r.p99} ms`,
      `${pct(s)} of ${bareOf(r.app)}`,
      kjKey && r.app.startsWith('ours') ? x(s / kjKey.share) : '',
      kjStr && r.app.startsWith('ours') ? x(s / kjStr.share) : '',
      r.unexpected,
    ];
  });
  const shareTarget = (id: string, what: string, min: number) => {
    const r = get(id);
    const s = r && share(r);
    if (s !== undefined) targets.push({ what: `HTTP ${what} ≥ ${pct(min)} of bare Koa`, measured: pct(s), ok: s >= min });
  };
  shareTarget('ours-hs256-nocache', 'HS256, no cache,', 0.55);
  shareTarget('ours-rs256-nocache', 'RS256, no cache,', 0.25);
  shareTarget('ours-hs256-forged', 'HS256 flood of forged tokens (default config)', 0.45);
  shareTarget('ours-hs256', 'HS256 with the token cache (default config)', 0.9);
  shareTarget('ours-rs256', 'RS256 with the token cache (default config)', 0.9);
  const hs = get('ours-hs256-nocache');
  // Both are shares of bare Koa with the same header, each measured next to it: their ratio drifts less than raw req/s.
  if (hs && kjKey) targets.push({ what: 'HTTP HS256, no cache ≥ 2× koa-jwt (KeyObject)', measured: x(hs.share / kjKey.share), ok: hs.share / kjKey.share >= 2 });
  if (hs && kjStr) targets.push({ what: 'HTTP HS256, no cache ≥ 10× koa-jwt (string secret)', measured: x(hs.share / kjStr.share), ok: hs.share / kjStr.share >= 10 });
  for (const plugin of ['fastify-jwt', 'express-jwt']) {
    const p = get(plugin);
    const ps = p && share(p);
    const hsShare = hs && share(hs);
    if (ps !== undefined && hsShare !== undefined) {
      targets.push({ what: `HTTP HS256, no cache: share of bare Koa ≥ ${plugin}'s share of its bare framework`, measured: `${pct(hsShare)} vs ${pct(ps)}`, ok: hsShare >= ps });
    }
  }
  const def = get('ours-hs256');
  const tokenLookup = get('ours-hs256-token-lookup');
  if (def && tokenLookup) targets.push({ what: "HTTP default userLookup 'provider' as fast as 'token' (≥ 95%, noise margin)", measured: pct(def.share / tokenLookup.share), ok: def.share / tokenLookup.share >= 0.95 });
  const bare = get('bare');
  if (def && bare) targets.push({ what: `HTTP p99 at ${http.connections} connections, HS256 with the cache, within 1 ms of bare Koa`, measured: `${def.p99} ms vs ${bare.p99} ms`, ok: def.p99 - bare.p99 <= 1 });
  return table(['run', 'req/s', 'p50', 'p99', 'share of its bare framework', '× koa-jwt (KeyObject), by share', '× koa-jwt (string), by share', 'unexpected answers'], rows, markdown);
}

function importSection(imports: ImportResult, markdown: boolean, targets: Target[]): string {
  const rows = imports.rows.map((r): Cell[] => [r.name, `${r.ms.toFixed(0)} ms`, `${r.rssMb.toFixed(0)} MB`, r.mongoose ? 'yes' : 'no']);
  const koa = imports.rows.find((r) => r.name.startsWith('koa +'));
  const ours = imports.rows.find((r) => r.name.startsWith('koa-jwt-kit'));
  if (koa && ours) targets.push({ what: 'import of the package root < 1.5× koa + @koa/router alone', measured: `${x(ours.ms / koa.ms)} (${ours.rssMb.toFixed(0)} MB vs ${koa.rssMb.toFixed(0)} MB RSS)`, ok: ours.ms / koa.ms < 1.5 });
  return table(['import', 'time', 'RSS after', 'mongoose loaded'], rows, markdown);
}

/** The whole report: machine, micro table, HTTP table, imports, and every performance target with met / NOT met. */
export function renderReport(report: Report, options: { markdown: boolean }): string {
  const { markdown } = options;
  const { machine } = report;
  const h = (t: string) => (markdown ? `### ${t}` : `== ${t} ==`);
  const out: string[] = [];
  const targets: Target[] = [];
  out.push(markdown ? '## Benchmark results' : 'koa-jwt-kit benchmarks');
  out.push('');
  out.push(`Machine: ${machine.cores} cores, ${machine.cpu}; Node ${machine.node}; ${machine.date}; load average at the start ${machine.load}${machine.quick ? ' (--quick: short runs, noisier)' : ''}.`);
  if (report.micro) {
    out.push('', h(`Verify one token (mitata, one process, median of ${report.micro.rounds} interleaved rounds; ratio to the raw node:crypto floor)`), '', microSection(report.micro, markdown, targets));
  }
  if (report.http) {
    const { http } = report;
    out.push('', h(`HTTP: GET / with an Authorization header (autocannon, ${http.connections} connections, median of ${http.rounds} interleaved rounds of ${http.duration} s, each app right after its bare framework; server and load generator in separate processes${http.pinned ? ', pinned to separate cores' : ''})`), '', httpSection(http, markdown, targets));
  }
  if (report.imports) {
    out.push('', h(`Import of the package (fresh node process each, median of ${report.imports.runs} interleaved runs)`), '', importSection(report.imports, markdown, targets));
  }
  if (report.stores) out.push('', ...storesSection(report.stores, { markdown, heading: h }, targets));
  if (targets.length) {
    out.push('', h('Performance targets'), '', table(['target', 'measured', ''], targets.map((t) => [t.what, t.measured, check(t.ok)]), markdown));
  }
  return `${out.join('\n')}\n`;
}
