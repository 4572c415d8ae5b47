import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasTaskset, RUNS, startApp, startLoad } from './http/run-http.js';
import { appAlg } from './http/server.js';
import { forge, makeAuth, makeFixture, tokenOf } from './setup.js';

// npm run bench:profile -- <run> [seconds]: one HTTP run (as in bench/http) with the server's CPU
// profiled during the measured load only, then the functions with the most self time, as shares
// of the server's busy time (idle left out). For a target the report marks NOT met: where the
// server's CPU goes.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [runId = 'ours-hs256-nocache', secondsArg = '5'] = process.argv.slice(2);
const run = RUNS[runId];
if (!run) throw new Error(`unknown run ${runId}; one of ${Object.keys(RUNS).join(', ')}`);
const dir = mkdtempSync(path.join(tmpdir(), 'koa-jwt-kit-profile-'));
const fixture = makeFixture();
const pinned = hasTaskset();
const alg = appAlg(run.app);
const token = await tokenOf(makeAuth(alg, fixture));
const file = path.join(dir, `${runId}.cpuprofile`);
process.env.BENCH_PROFILE = file;
const { child, port } = await startApp(run.app, fixture, pinned);
const load = startLoad(pinned, 50);
const url = `http://127.0.0.1:${port}/`;
await load.measure(url, run.forged ? forge(token) : token, 1);
child.kill('SIGUSR2');
const measured = await load.measure(url, run.forged ? forge(token) : token, Number(secondsArg));
load.child.kill();
// SIGINT: the server stops the profiler, writes the profile and exits.
await new Promise((resolve) => {
  child.once('exit', resolve);
  child.kill('SIGINT');
});

const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
const selfHits = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  const { functionName, url: source, lineNumber } = node.callFrame;
  if (functionName === '(idle)') continue;
  total += hits;
  const where = source ? `${source.replace(/^file:\/\//, '').replace(process.cwd(), '.')}:${lineNumber + 1}` : '';
  const name = `${functionName || '(anonymous)'} ${where}`.trim();
  selfHits.set(name, (selfHits.get(name) ?? 0) + hits);
}
const top = [...selfHits].sort((a, b) => b[1] - a[1]).slice(0, 20);
process.stdout.write(`${run.label}: ${Math.round(measured.reqPerSec)} req/s; profile ${file}\n\n`);
process.stdout.write('| self time (share of busy) | function |\n| ---: | --- |\n');
for (const [name, hits] of top) process.stdout.write(`| ${((hits / total) * 100).toFixed(1)}% | \`${name}\` |\n`);
