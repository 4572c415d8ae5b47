import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

// The load generator, in its own process (pinned to its own core when possible). It reads one
// JSON job per line on stdin — { url, token, seconds, connections } — runs autocannon, and
// answers one JSON line per job. One process serves every run: no start-up between them.

interface Job {
  url: string;
  token: string;
  seconds: number;
  connections: number;
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const job = JSON.parse(line) as Job;
  const result = await autocannon({ url: job.url, connections: job.connections, duration: job.seconds, headers: { authorization: `Bearer ${job.token}` } });
  process.stdout.write(`${JSON.stringify({
    reqPerSec: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    latencyAvg: result.latency.average,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  })}\n`);
}
