import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The cost of `import` of the package root, as a user pays it at every start-up: wall time and
// resident memory, in a fresh node process each time (no tsx: the built package, as published).

export interface ImportRow {
  name: string;
  /** Median wall time of the import, ms. */
  ms: number;
  /** Median resident set size after the import, MB. */
  rssMb: number;
  /** Whether mongoose was loaded by the import. */
  mongoose: boolean;
}

export interface ImportResult {
  rows: ImportRow[];
  runs: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = fileURLToPath(new URL('../dist/esm/index.js', import.meta.url));

// Runs in the child: imports each specifier in turn, then reports time, RSS and whether mongoose came along.
const PROBE = `
const specifiers = JSON.parse(process.env.BENCH_IMPORTS);
const t0 = process.hrtime.bigint();
for (const s of specifiers) await import(s);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const { createRequire } = await import('node:module');
const cache = createRequire(import.meta.url ?? 'file:///').cache;
const mongoose = Object.keys(cache).some((f) => f.includes('/node_modules/mongoose/'));
process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss, mongoose }));
`;

function probe(specifiers: readonly string[], cpu: number | undefined): { ms: number; rss: number; mongoose: boolean } {
  const node = [process.execPath, '--input-type=module', '-e', PROBE];
  const [cmd, ...args] = cpu === undefined ? node : ['taskset', '-c', String(cpu), ...node];
  const out = execFileSync(cmd!, args, { cwd: root, env: { ...process.env, BENCH_IMPORTS: JSON.stringify(specifiers) }, encoding: 'utf8' });
  return JSON.parse(out) as { ms: number; rss: number; mongoose: boolean };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;

/** Import time and RSS of the package root against koa + @koa/router alone and an empty process; interleaved runs, medians. */
export function runImports(options: { quick: boolean; pinned: boolean }): ImportResult | undefined {
  if (!existsSync(entry)) return undefined;
  const cases: Array<[string, string[]]> = [
    ['node, nothing imported', []],
    ['koa + @koa/router', ['koa', '@koa/router']],
    ['koa-jwt-kit (package root, dist/esm)', [pathToFileURL(entry).href]],
  ];
  const runs = options.quick ? 3 : 9;
  const samples = cases.map(() => [] as Array<{ ms: number; rss: number; mongoose: boolean }>);
  for (let i = 0; i < runs; i++) cases.forEach(([, specifiers], c) => samples[c]!.push(probe(specifiers, options.pinned ? 0 : undefined)));
  return {
    runs,
    rows: cases.map(([name], c) => ({
      name,
      ms: median(samples[c]!.map((s) => s.ms)),
      rssMb: median(samples[c]!.map((s) => s.rss)) / 2 ** 20,
      mongoose: samples[c]!.some((s) => s.mongoose),
    })),
  };
}
