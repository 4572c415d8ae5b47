import { fileURLToPath } from 'node:url';
import { lines, spawnTsx } from '../http/run-http.js';

// What the store benchmarks read from their child processes: a measured load, and an app's usage.

/** One measured load, as both load generators answer it. */
export interface Measured { reqPerSec: number; total: number; p50: number; p99: number; non2xx: number; errors: number }

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The refresh chains' load generator (bench/stores/chains.ts) in its own process. */
export function startChains(pinned: boolean, chains: number) {
  const child = spawnTsx(here('./chains.ts'), [], pinned ? 1 : undefined);
  const next = lines(child);
  return {
    child,
    async measure(base: string, seconds: number): Promise<Measured> {
      child.stdin!.write(`${JSON.stringify({ base, seconds, chains })}\n`);
      const line = await next();
      if (!line) throw new Error('the refresh load generator exited');
      return JSON.parse(line) as Measured;
    },
  };
}

export interface Usage { calls: number; cpuMicros: number }

/** The Redis calls an app has sent so far and the CPU time it has used (bench/stores/server.ts). */
export async function usageOf(base: string): Promise<Usage> {
  return (await (await fetch(`${base}/usage`)).json()) as Usage;
}
