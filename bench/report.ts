import type { HttpResult, HttpRow } from './http/run-http.js';
import type { MicroResult, MicroRow } from './micro.js';
import { BENCH_ALGS } from './setup.js';

// A difference of two medians: below zero means "lost in the noise of the two runs", not a gain.
const fmtDelta = (ns: number): string => (ns <= 0 ? '≈0 (below noise)' : fmtNs(ns));

export interface Report {
  machine: { cores: number; cpu: string; node: string; date: string; quick: boolean };
  micro?: MicroResult;
  http?: HttpResult;
}

type Cell = string | number;

function table(head: readonly string[], rows: readonly Cell[][], markdown: boolean): string {
  const text = rows.map((r) => r.map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => markdown
    ? `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
    : cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const sep = markdown ? `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |` : widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(head), sep, ...text.map(line)].join('\n');
}

const fmtNs = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const x = (r: number) => `${r.toFixed(2)}×`;
const pct = (r: number) => `${(r * 100).toFixed(0)}%`;
const check = (ok: boolean) => (ok ? 'met' : 'NOT met');

interface Target { what: string; measured: string; ok: boolean }

function microSection(micro: MicroResult, markdown: boolean, targets: Target[]): string {
  const find = (alg: MicroRow['alg'], name: string) => micro.rows.find((r) => r.alg === alg && r.name === name)?.ns;
  const rows: Cell[][] = [];
  const limits: Record<string, number> = { HS256: 1.6, RS256: 1.15, ES256: 1.15, EdDSA: 1.1 };
  for (const alg of BENCH_ALGS) {
    const floor = find(alg, 'floor (node:crypto)');
    for (const r of micro.rows.filter((row) => row.alg === alg)) {
      rows.push([alg, r.name, fmtNs(r.ns), Math.round(1e9 / r.ns).toLocaleString('en-US'), floor ? x(r.ns / floor) : '']);
    }
    const ours = find(alg, 'koa-jwt-kit auth.verify');
    if (ours && floor) targets.push({ what: `${alg} auth.verify (no cache) ≤ ${limits[alg]}× the raw floor`, measured: x(ours / floor), ok: ours / floor <= limits[alg]! });
  }
  const hit = find('HS256', 'koa-jwt-kit auth.verify, token cache');
  if (hit) targets.push({ what: 'verified-token cache hit (whole auth.verify) < 1 µs', measured: fmtNs(hit), ok: hit < 1000 });
  const rev = micro.rows.filter((r) => r.alg === 'revocation');
  for (const r of rev) rows.push(['revocation', r.name, fmtNs(r.ns), Math.round(1e9 / r.ns).toLocaleString('en-US'), '']);
  const base = rev.find((r) => r.name.startsWith('verifySignatureAndClaims'))?.ns;
  const store = rev.find((r) => r.name.includes('memory-store'))?.ns;
  const cached = rev.find((r) => r.name.includes('blacklist.cache'))?.ns;
  if (base && store) targets.push({ what: 'revocation check, memory store, not revoked < 0.5 µs', measured: fmtDelta(store - base), ok: store - base < 500 });
  if (base && cached) targets.push({ what: 'revocation check, blacklist.cache, not revoked < 0.5 µs', measured: fmtDelta(cached - base), ok: cached - base < 500 });
  return table(['alg', 'verifier', 'median time/op', 'ops/s', '× floor'], rows, markdown);
}

function httpSection(http: HttpResult, markdown: boolean, targets: Target[]): string {
  const get = (id: string): HttpRow | undefined => http.rows.find((r) => r.id === id);
  const bare = get('bare');
  const kjKey = get('koa-jwt-keyobject');
  const kjStr = get('koa-jwt-string');
  // Each app against bare Koa receiving the same header: an RS256 token is 3× the bytes of an HS256 one.
  const bareOf = (r: HttpRow) => get(r.id.includes('rs256') ? 'bare-rs256' : r.id.includes('es256') ? 'bare-es256' : 'bare');
  const rows = http.rows.map((r): Cell[] => [
    r.label, Math.round(r.reqPerSec).toLocaleString('en-US'), `${r.p99} ms`,
    bareOf(r) ? pct(r.reqPerSec / bareOf(r)!.reqPerSec) : '',
    kjKey ? x(r.reqPerSec / kjKey.reqPerSec) : '',
    kjStr ? x(r.reqPerSec / kjStr.reqPerSec) : '',
    r.non2xx + r.errors,
  ]);
  const hs = get('ours-hs256');
  const rs = get('ours-rs256');
  if (bare && hs) targets.push({ what: 'HTTP HS256, no cache ≥ 60% of bare Koa', measured: pct(hs.reqPerSec / bare.reqPerSec), ok: hs.reqPerSec / bare.reqPerSec >= 0.6 });
  if (kjKey && hs) targets.push({ what: 'HTTP HS256, no cache ≥ 1.7× koa-jwt (KeyObject)', measured: x(hs.reqPerSec / kjKey.reqPerSec), ok: hs.reqPerSec / kjKey.reqPerSec >= 1.7 });
  if (kjStr && hs) targets.push({ what: 'HTTP HS256, no cache ≥ 10× koa-jwt (string secret)', measured: x(hs.reqPerSec / kjStr.reqPerSec), ok: hs.reqPerSec / kjStr.reqPerSec >= 10 });
  const rsBare = rs && bareOf(rs);
  if (rsBare && rs) targets.push({ what: 'HTTP RS256, no cache ≥ 28% of bare Koa', measured: pct(rs.reqPerSec / rsBare.reqPerSec), ok: rs.reqPerSec / rsBare.reqPerSec >= 0.28 });
  for (const id of ['ours-hs256-cache', 'ours-rs256-cache']) {
    const r = get(id);
    const b = r && bareOf(r);
    if (b && r) targets.push({ what: `HTTP ${r.label} ≥ 80% of bare Koa`, measured: pct(r.reqPerSec / b.reqPerSec), ok: r.reqPerSec / b.reqPerSec >= 0.8 });
  }
  if (hs) targets.push({ what: `HTTP HS256 p99 at ${http.connections} connections ≤ 5 ms`, measured: `${hs.p99} ms${bare ? ` (bare ${bare.p99} ms${kjKey ? `, koa-jwt ${kjKey.p99} ms` : ''})` : ''}`, ok: hs.p99 <= 5 });
  return table(['app', 'req/s', 'p99', 'of bare Koa (same header)', '× koa-jwt (KeyObject)', '× koa-jwt (string)', 'errors'], rows, markdown);
}

/** The whole report: machine, micro table, HTTP table, and every DESIGN.md target with met / NOT met. */
export function renderReport(report: Report, options: { markdown: boolean }): string {
  const { markdown } = options;
  const { machine } = report;
  const h = (t: string) => (markdown ? `### ${t}` : `== ${t} ==`);
  const out: string[] = [];
  const targets: Target[] = [];
  out.push(markdown ? '## Benchmark results' : 'koa-jwt-kit benchmarks');
  out.push('');
  out.push(`Machine: ${machine.cores} cores, ${machine.cpu}; Node ${machine.node}; ${machine.date}${machine.quick ? ' (--quick: short runs, noisier)' : ''}.`);
  if (report.micro) {
    out.push('', h(`Verify one token (mitata, one process, median of ${report.micro.rounds} interleaved rounds; ratio to the raw node:crypto floor)`), '', microSection(report.micro, markdown, targets));
  }
  if (report.http) {
    const { http } = report;
    out.push('', h(`HTTP: GET / with the same Authorization header (autocannon, ${http.connections} connections, median of ${http.rounds} interleaved runs of ${http.duration} s; server and load generator in separate processes${http.pinned ? ', pinned to separate cores' : ''})`), '', httpSection(http, markdown, targets));
  }
  if (targets.length) {
    out.push('', h('DESIGN.md performance targets'), '', table(['target', 'measured', ''], targets.map((t) => [t.what, t.measured, check(t.ok)]), markdown));
  }
  return `${out.join('\n')}\n`;
}
