import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Fixture, forge, makeAuth, tokenOf } from '../setup.js';
import { appAlg, APPS, type AppId, bareOf } from './server.js';

/** One measured load: an app, and the token it is sent. */
export const RUNS = {
  ...Object.fromEntries((Object.keys(APPS) as AppId[]).map((id) => [id, { app: id, label: APPS[id].label, forged: false }])),
  'ours-hs256-forged': { app: 'ours-hs256', label: 'koa-jwt-kit HS256, default config, flood of forged-signature tokens (every one a miss, 401)', forged: true },
} as Readonly<Record<string, { app: AppId; label: string; forged: boolean }>>;
export type RunId = keyof typeof RUNS;

export interface HttpRow {
  id: RunId;
  app: AppId;
  label: string;
  /** Medians over the rounds. */
  reqPerSec: number;
  /**
   * Median over the rounds of req/s / req/s of its bare framework measured just before it: the
   * load of a shared machine drifts less between two neighbouring measures than across a run.
   */
  share: number;
  p50: number;
  p99: number;
  /** Answers that were not what the run expects (a non-2xx, or for the flood a 2xx), and socket errors. */
  unexpected: number;
}

export interface HttpResult {
  rows: HttpRow[];
  connections: number;
  duration: number;
  rounds: number;
  pinned: boolean;
}

interface Measured {
  reqPerSec: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

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
export function spawnTsx(script: string, args: string[], cpu: number | undefined, env: NodeJS.ProcessEnv = process.env, nodeOptions: string[] = []): ChildProcess {
  const node = [process.execPath, ...nodeOptions, '--import', 'tsx', script, ...args];
  const [cmd, ...rest] = cpu === undefined ? node : ['taskset', '-c', String(cpu), ...node];
  return spawn(cmd!, rest, { env, stdio: ['pipe', 'pipe', 'inherit'] });
}

/** The child's stdout, line by line, as a pull queue. */
export function lines(child: ChildProcess): () => Promise<string> {
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

/** Starts one app in its own process (pinned to core 0 when possible) and resolves its port. */
export async function startApp(id: AppId, fixture: Fixture, pinned: boolean, nodeOptions: string[] = []): Promise<{ child: ChildProcess; port: string }> {
  const child = spawnTsx(here('./server.ts'), [id], pinned ? 0 : undefined, { ...process.env, BENCH_FIXTURE: JSON.stringify(fixture) }, nodeOptions);
  const ready = await lines(child)();
  const port = /READY (\d+)/.exec(ready)?.[1];
  if (!port) throw new Error(`app ${id} did not start: ${ready}`);
  return { child, port };
}

/** The load generator in its own process (core 1 when pinned): measure(url, token, seconds). */
export function startLoad(pinned: boolean, connections: number): { child: ChildProcess; measure: (url: string, token: string, seconds: number) => Promise<Measured> } {
  const child = spawnTsx(here('./load.ts'), [], pinned ? 1 : undefined);
  const next = lines(child);
  return {
    child,
    async measure(url, token, seconds) {
      child.stdin!.write(`${JSON.stringify({ url, token, seconds, connections })}\n`);
      const line = await next();
      if (!line) throw new Error('the load generator exited');
      return JSON.parse(line) as Measured;
    },
  };
}

export { hasTaskset };

/**
 * Starts every app in its own process, and one load generator in another (each pinned to its
 * own core when possible). After a warm-up of each run, it measures every run once per round,
 * each right after its bare framework, the order turning each round, and keeps medians: on a
 * shared machine the load of other processes drifts, and pairing and interleaving spread that
 * drift over every app alike.
 */
export async function runHttp(fixture: Fixture, options: { quick: boolean; log: (line: string) => void }): Promise<HttpResult> {
  const duration = options.quick ? 1 : 2;
  const rounds = options.quick ? 1 : 3;
  const connections = 50;
  const pinned = hasTaskset();
  const tokens = { HS256: await tokenOf(makeAuth('HS256', fixture)), RS256: await tokenOf(makeAuth('RS256', fixture)) };
  const runIds = Object.keys(RUNS);
  const apps = Object.keys(APPS) as AppId[];

  const children: ChildProcess[] = [];
  try {
    const ports = new Map<AppId, string>();
    for (const id of apps) {
      const { child, port } = await startApp(id, fixture, pinned);
      children.push(child);
      ports.set(id, port);
    }
    const load = startLoad(pinned, connections);
    children.push(load.child);
    const measure = (id: RunId, seconds: number): Promise<Measured> => {
      const run = RUNS[id]!;
      const alg = appAlg(run.app) as keyof typeof tokens;
      return load.measure(`http://127.0.0.1:${ports.get(run.app)}/`, run.forged ? forge(tokens[alg]) : tokens[alg], seconds);
    };

    options.log(`  warm-up: every run for 1 s (${runIds.length} runs)`);
    for (const id of runIds) await measure(id, 1);
    const samples = new Map<RunId, Measured[]>(runIds.map((id) => [id, []]));
    const shares = new Map<RunId, number[]>(runIds.map((id) => [id, []]));
    const paired = runIds.filter((id) => bareOf(RUNS[id]!.app) !== id);
    for (let round = 0; round < rounds; round++) {
      options.log(`  round ${round + 1}/${rounds}: ${paired.length} runs, each after its bare framework, × ${duration} s`);
      for (let i = 0; i < paired.length; i++) {
        const id = paired[(i + round * 5) % paired.length]!;
        const bare = bareOf(RUNS[id]!.app);
        const base = await measure(bare, duration);
        const own = await measure(id, duration);
        samples.get(bare)!.push(base);
        samples.get(id)!.push(own);
        shares.get(id)!.push(own.reqPerSec / base.reqPerSec);
      }
    }
    const rows = runIds.map((id): HttpRow => {
      const s = samples.get(id)!;
      const run = RUNS[id]!;
      const own = shares.get(id)!;
      return {
        id, app: run.app, label: run.label,
        reqPerSec: median(s.map((m) => m.reqPerSec)),
        share: own.length ? median(own) : 1,
        p50: median(s.map((m) => m.p50)),
        p99: median(s.map((m) => m.p99)),
        // The flood expects 401 on every request: there the 2xx are what is unexpected.
        unexpected: s.reduce((n, m) => n + m.errors + (run.forged ? Math.max(0, m.total - m.non2xx) : m.non2xx), 0),
      };
    });
    return { rows, connections, duration, rounds, pinned };
  } finally {
    for (const child of children) child.kill();
  }
}
