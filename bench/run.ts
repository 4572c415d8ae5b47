import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { hasTaskset, runHttp } from './http/run-http.js';
import { runImports } from './imports.js';
import { runMicro } from './micro.js';
import { renderReport } from './report.js';
import { makeFixture } from './setup.js';
import { runStores } from './stores/run-stores.js';

// npm run bench [-- --markdown] [--quick] [--micro] [--http] [--imports] [--stores]
// Without a part named, every part runs. Numbers are only meaningful as ratios within one run.

const argv = new Set(process.argv.slice(2));
const quick = argv.has('--quick');
const markdown = argv.has('--markdown');
const named = ['--micro', '--http', '--imports', '--stores'].filter((p) => argv.has(p));
const runs = (part: string) => named.length === 0 || named.includes(part);

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch { /* not Linux */ }
  return cpus()[0]?.model ?? 'unknown';
}

const fixture = makeFixture();
const log = (line: string) => process.stderr.write(`${line}\n`);
const load = loadavg().map((l) => l.toFixed(1)).join(' ');
const micro = runs('--micro') ? (log('micro benchmarks (mitata)…'), await runMicro(fixture, { quick })) : undefined;
const http = runs('--http') ? (log('HTTP benchmarks (autocannon)…'), await runHttp(fixture, { quick, log })) : undefined;
const imports = runs('--imports') ? (log('import time and RSS…'), runImports({ quick, pinned: hasTaskset() })) : undefined;
if (runs('--imports') && !imports) log('  skipped: dist/esm/index.js is missing (npm run build first; npm run bench does)');
const stores = runs('--stores') ? (log('stores: memory vs Redis (autocannon, refresh chains)…'), await runStores(fixture, { quick, log })) : undefined;
if (stores && 'skipped' in stores) log(`  store rows skipped: ${stores.skipped}`);

process.stdout.write(renderReport({
  machine: { cores: cpus().length, cpu: cpuModel(), node: process.version, date: new Date().toISOString().slice(0, 10), quick, load },
  ...(micro ? { micro } : {}),
  ...(http ? { http } : {}),
  ...(imports ? { imports } : {}),
  ...(stores ? { stores } : {}),
}, { markdown }));
