import { cpus, } from 'node:os';
import { readFileSync } from 'node:fs';
import { runHttp } from './http/run-http.js';
import { runMicro } from './micro.js';
import { renderReport } from './report.js';
import { makeFixture } from './setup.js';

// npm run bench [-- --markdown] [--quick] [--micro] [--http]
// Without --micro/--http both parts run. Numbers are only meaningful as ratios within one run.

const argv = new Set(process.argv.slice(2));
const quick = argv.has('--quick');
const markdown = argv.has('--markdown');
const onlyMicro = argv.has('--micro');
const onlyHttp = argv.has('--http');
const doMicro = onlyMicro || !onlyHttp;
const doHttp = onlyHttp || !onlyMicro;

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch { /* not Linux */ }
  return cpus()[0]?.model ?? 'unknown';
}

const fixture = makeFixture();
const log = (line: string) => process.stderr.write(`${line}\n`);
const micro = doMicro ? (log('micro benchmarks (mitata)…'), await runMicro(fixture, { quick })) : undefined;
const http = doHttp ? (log('HTTP benchmarks (autocannon)…'), await runHttp(fixture, { quick, log })) : undefined;

process.stdout.write(renderReport({
  machine: { cores: cpus().length, cpu: cpuModel(), node: process.version, date: new Date().toISOString().slice(0, 10), quick },
  ...(micro ? { micro } : {}),
  ...(http ? { http } : {}),
}, { markdown }));
