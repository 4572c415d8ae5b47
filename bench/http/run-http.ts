import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchAlg, type Fixture, makeAuth, tokenOf } from '../setup.js';
import { appAlg, APPS, type AppId } from './server.js';

export interface HttpRow {
  id: AppId;
  label: string;
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
  pinned: boolean;
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
function spawnTsx(script: string, args: string[], cpu: number | undefined, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', script, ...args];
  const [cmd, ...rest] = cpu === undefined ? node : ['taskset', '-c', String(cpu), ...node];
  return spawn(cmd!, rest, { env, stdio: ['ignore', 'pipe', 'inherit'] });
}

function readLine(child: ChildProcess, match: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(match);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing ${match}: ${out}`)));
  });
}

/**
 * Starts each app in its own process, then points autocannon at it from another process
 * (pinned to the other core when possible), one app at a time.
 */
export async function runHttp(fixture: Fixture, options: { quick: boolean; log: (line: string) => void }): Promise<HttpResult> {
  const duration = options.quick ? 1 : 4;
  const connections = 50;
  const pinned = hasTaskset();
  const tokens = new Map<BenchAlg, string>();
  for (const alg of ['HS256', 'RS256', 'ES256'] as const) tokens.set(alg, await tokenOf(makeAuth(alg, fixture)));
  const env = { ...process.env, BENCH_FIXTURE: JSON.stringify(fixture) };

  const rows: HttpRow[] = [];
  for (const id of Object.keys(APPS) as AppId[]) {
    options.log(`  ${APPS[id]}`);
    const server = spawnTsx(here('./server.ts'), [id], pinned ? 0 : undefined, env);
    try {
      const [, port] = await readLine(server, /READY (\d+)/);
      const load = spawnTsx(here('./load.ts'), [`http://127.0.0.1:${port}/`, tokens.get(appAlg(id))!, String(duration), String(connections)], pinned ? 1 : undefined);
      const [json] = await readLine(load, /\{.*\}\n/);
      rows.push({ id, label: APPS[id], ...(JSON.parse(json) as Omit<HttpRow, 'id' | 'label'>) });
    } finally {
      server.kill();
    }
  }
  return { rows, connections, duration, pinned };
}
