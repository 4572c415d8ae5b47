import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type BenchAlg, type Fixture, makeAuth, tokenOf } from '../setup.js';
import { appAlg, APPS, type AppId } from './server.js';

export interface HttpRow {
  id: AppId;
  label: string;
  /** Median over the rounds. */
  reqPerSec: number;
  p99: number;
  latencyAvg: number;
  non2xx: number;
  errors: number;
}

export interface HttpResult {
  rows: HttpRow[];
  connections: number;
  duration: number;
  rounds: number;
  pinned: boolean;
}

type Measured = Omit<HttpRow, 'id' | 'label'>;

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs `script` under tsx in a child process, pinned to `cpu` when taskset is there. */
function spawnTsx(script: string, args: string[], cpu: number | undefined, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', script, ...args];
  const [cmd, ...rest] = cpu === undefined ? node : ['taskset', '-c', String(cpu), ...node];
  return spawn(cmd!, rest, { env, stdio: ['pipe', 'pipe', 'inherit'] });
}

/** The child's stdout, line by line, as a pull queue. */
function lines(child: ChildProcess): () => Promise<string> {
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let exited = false;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  child.once('exit', () => {
    exited = true;
    for (const w of waiting.splice(0)) w('');
  });
  return () => (queue.length ? Promise.resolve(queue.shift()!) : exited ? Promise.resolve('') : new Promise((resolve) => waiting.push(resolve)));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Starts every app in its own process, and one load generator in another (each pinned to its
 * own core when possible). After a warm-up of each app, it measures every app once per round,
 * the order turning each round, and keeps the median: on a shared machine the load of other
 * processes drifts, and interleaving spreads that drift over every app alike.
 */
export async function runHttp(fixture: Fixture, options: { quick: boolean; log: (line: string) => void }): Promise<HttpResult> {
  const duration = options.quick ? 1 : 3;
  const rounds = options.quick ? 1 : 3;
  const connections = 50;
  const pinned = hasTaskset();
  const tokens = new Map<BenchAlg, string>();
  for (const alg of ['HS256', 'RS256', 'ES256'] as const) tokens.set(alg, await tokenOf(makeAuth(alg, fixture)));
  const env = { ...process.env, BENCH_FIXTURE: JSON.stringify(fixture) };
  const ids = Object.keys(APPS) as AppId[];

  const children: ChildProcess[] = [];
  try {
    const ports = new Map<AppId, string>();
    for (const id of ids) {
      const server = spawnTsx(here('./server.ts'), [id], pinned ? 0 : undefined, env);
      children.push(server);
      const ready = await lines(server)();
      const port = /READY (\d+)/.exec(ready)?.[1];
      if (!port) throw new Error(`app ${id} did not start: ${ready}`);
      ports.set(id, port);
    }
    const load = spawnTsx(here('./load.ts'), [], pinned ? 1 : undefined);
    children.push(load);
    const next = lines(load);
    const measure = async (id: AppId, seconds: number): Promise<Measured> => {
      load.stdin!.write(`${JSON.stringify({ url: `http://127.0.0.1:${ports.get(id)}/`, token: tokens.get(appAlg(id)), seconds, connections })}\n`);
      const line = await next();
      if (!line) throw new Error('the load generator exited');
      return JSON.parse(line) as Measured;
    };

    options.log('  warm-up: every app for 1 s');
    for (const id of ids) await measure(id, 1);
    const samples = new Map<AppId, Measured[]>(ids.map((id) => [id, []]));
    for (let round = 0; round < rounds; round++) {
      options.log(`  round ${round + 1}/${rounds}: ${ids.length} apps × ${duration} s`);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[(i + round * 3) % ids.length]!;
        samples.get(id)!.push(await measure(id, duration));
      }
    }
    const rows = ids.map((id): HttpRow => {
      const s = samples.get(id)!;
      return {
        id, label: APPS[id],
        reqPerSec: median(s.map((m) => m.reqPerSec)),
        p99: median(s.map((m) => m.p99)),
        latencyAvg: median(s.map((m) => m.latencyAvg)),
        non2xx: s.reduce((n, m) => n + m.non2xx, 0),
        errors: s.reduce((n, m) => n + m.errors, 0),
      };
    });
    return { rows, connections, duration, rounds, pinned };
  } finally {
    for (const child of children) child.kill();
  }
}
