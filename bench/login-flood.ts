import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SCENARIOS, type Scenario } from './login/server.js';

// npm run bench:login [-- --quick] [--markdown] [--baseline DIR]
//
// A login flood against the token routes (an attack from outside): 64 concurrent clients
// post wrong passwords for random usernames from random addresses (X-Forwarded-For behind
// app.proxy), so that neither the per-username nor the per-address limit can help and only the
// bound on password hashing stands between the flood and the thread pool. Measured, per
// scenario: the answers during the flood; the latency of a protected GET made every 50 ms during
// it; and a legitimate login made 2 s after the flood ends (and, if that one fails, how long
// until a login succeeds). The server runs in its own process; numbers compare scenarios of
// one run on one machine. `--baseline DIR` adds a row for another checkout of the project (say
// `git archive <commit> | tar -x -C DIR`, with node_modules linked): its lib/, default config.

const args = process.argv.slice(2);
const argv = new Set(args);
const baselineDir = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : undefined;
const quick = argv.has('--quick');
const markdown = argv.has('--markdown');
const FLOOD_SECONDS = quick ? 5 : 15;
const CONCURRENCY = 64;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Server { base: string; stop(): void }

// The service gets core 0 (its event loop and its thread pool), the flood and the prober core 1,
// as an attack from another machine would not take the service's CPU. Without taskset (or with
// one core) everything shares, and the GET latencies include the flood's own client work.
const pinned = (() => {
  if (cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const tsx = (script: string, args: string[], cpu: number) =>
  spawn(pinned ? 'taskset' : process.execPath, [...(pinned ? ['-c', String(cpu), process.execPath] : []), '--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });

type Row = Scenario | 'baseline';

async function startServer(scenario: Row): Promise<Server> {
  // The baseline runs this same server script against the other checkout's lib/, with its defaults.
  const child = scenario === 'baseline'
    ? tsx(`${baselineDir}/bench/login/server.ts`, ['default'], 0)
    : tsx('bench/login/server.ts', [scenario], 0);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /READY (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
  });
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

/** GET /me every 50 ms for `seconds`, from a process of its own. */
async function probeDuring(base: string, token: string, seconds: number): Promise<{ started: Promise<void>; result: Promise<{ latencies: number[]; failed: number }> }> {
  const child = tsx('bench/login/probe.ts', [base, token, String(seconds)], 1);
  let out = '';
  let ready: () => void;
  const started = new Promise<void>((resolve) => { ready = resolve; });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (out.startsWith('READY\n')) ready();
  });
  const result = new Promise<{ latencies: number[]; failed: number }>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.slice('READY\n'.length))) : reject(new Error(`the prober exited (${code})`)))));
  return { started, result };
}

const randomAddress = () => `10.${randomBytes(3).join('.')}`;

async function login(base: string, username: string, password: string, ip: string): Promise<{ status: number; ms: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const res = await fetch(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, ms: performance.now() - started, body };
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

interface Result {
  scenario: Row;
  answers: Record<string, number>;
  floodPerSec: number;
  get: { count: number; p50: number; p99: number; max: number; failed: number };
  after2s: { status: number; ms: number };
  recoveredAfterMs: number | undefined;
}

async function run(scenario: Row): Promise<Result> {
  const server = await startServer(scenario);
  try {
    const first = await login(server.base, 'alice', 'alice-password', '192.0.2.1');
    if (first.status !== 201) throw new Error(`the warm-up login answered ${first.status}`);
    const token = first.body.token as string;

    const answers: Record<string, number> = {};
    let floodOn = true;
    const flooder = async () => {
      while (floodOn) {
        try {
          const { status } = await login(server.base, `user-${randomBytes(4).toString('hex')}`, 'wrong-password', randomAddress());
          answers[status] = (answers[status] ?? 0) + 1;
        } catch {
          answers.error = (answers.error ?? 0) + 1;
        }
      }
    };
    const probe = await probeDuring(server.base, token, FLOOD_SECONDS);
    await probe.started;
    const floodStart = performance.now();
    const running = Array.from({ length: CONCURRENCY }, flooder);
    await new Promise((resolve) => setTimeout(resolve, FLOOD_SECONDS * 1000));
    floodOn = false;
    const floodSeconds = (performance.now() - floodStart) / 1000;
    // The flood's clients stop sending now; answers still in flight are not waited for.
    const ended = performance.now();
    void Promise.all(running);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after2s = await login(server.base, 'alice', 'alice-password', '192.0.2.2');
    let recoveredAfterMs: number | undefined = after2s.status === 201 ? performance.now() - ended : undefined;
    for (let i = 0; recoveredAfterMs === undefined && i < 120; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if ((await login(server.base, 'alice', 'alice-password', '192.0.2.3')).status === 201) recoveredAfterMs = performance.now() - ended;
    }
    const total = Object.values(answers).reduce((a, b) => a + b, 0);
    const { latencies, failed: getFailed } = await probe.result;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      scenario,
      answers,
      floodPerSec: total / floodSeconds,
      get: { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, failed: getFailed },
      after2s: { status: after2s.status, ms: after2s.ms },
      recoveredAfterMs,
    };
  } finally {
    server.stop();
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const results: Result[] = [];
if (baselineDir) {
  mkdirSync(`${baselineDir}/bench/login`, { recursive: true });
  copyFileSync(fileURLToPath(new URL('./login/server.ts', import.meta.url)), `${baselineDir}/bench/login/server.ts`);
}
for (const scenario of [...(baselineDir ? ['baseline' as const] : []), ...(Object.keys(SCENARIOS) as Scenario[])]) {
  log(`login flood: ${scenario} (${FLOOD_SECONDS} s, ${CONCURRENCY} clients)…`);
  results.push(await run(scenario));
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const header = ['scenario', 'flood answers', 'flood req/s', 'GET /me p50 ms', 'p99 ms', 'max ms', 'GET failed', 'login 2 s after', 'login ok after'];
const rows = results.map((r) => [
  r.scenario,
  Object.entries(r.answers).map(([status, n]) => `${n}×${status}`).join(' '),
  f(r.floodPerSec, 0),
  f(r.get.p50), f(r.get.p99), f(r.get.max), String(r.get.failed),
  `${r.after2s.status} in ${f(r.after2s.ms, 0)} ms`,
  r.recoveredAfterMs === undefined ? 'not within 60 s' : `${f(r.recoveredAfterMs / 1000, 1)} s after the flood`,
]);
const machine = `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, ${pinned ? 'service on core 0, flood on core 1' : 'not pinned'}, ${new Date().toISOString().slice(0, 10)}${quick ? ', --quick' : ''}`;
const out = markdown
  ? [`Login flood (${CONCURRENCY} clients, ${FLOOD_SECONDS} s): ${machine}`, '', `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)]
  : [`Login flood (${CONCURRENCY} clients, ${FLOOD_SECONDS} s): ${machine}`, ...results.map((r, i) => `  ${r.scenario === 'baseline' ? `baseline: ${baselineDir} with its defaults` : SCENARIOS[r.scenario]}\n    ${header.slice(1).map((h, j) => `${h}: ${rows[i]![j + 1]}`).join('\n    ')}`)];
process.stdout.write(`${out.join('\n')}\n`);
