import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';

// The refresh load generator, in its own process like bench/http/load.ts. In pair mode every
// refresh consumes its refresh token and answers the next one, so a fixed request body (what
// autocannon sends) would be refused from the second request on. Instead, `chains` loops run
// at once, each sending the refresh token the previous answer gave it. It reads one JSON job
// per line on stdin — { base, seconds, chains } — and answers one JSON line per job.

interface Job {
  /** http://127.0.0.1:<port> of an app with POST /seed and POST /token/refresh. */
  base: string;
  seconds: number;
  chains: number;
}

function post(agent: Agent, url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function seed(agent: Agent, base: string): Promise<string> {
  const { status, text } = await post(agent, `${base}/seed`, '{}');
  if (status !== 200) throw new Error(`seed answered ${status}: ${text}`);
  return (JSON.parse(text) as { refresh: string }).refresh;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : 0);

async function run(job: Job) {
  const agent = new Agent({ keepAlive: true, maxSockets: job.chains });
  const latencies: number[] = [];
  let unexpected = 0;
  try {
    // Every chain starts from its own family, seeded before the clock starts.
    const starts = await Promise.all(Array.from({ length: job.chains }, () => seed(agent, job.base)));
    const started = performance.now();
    const deadline = started + job.seconds * 1000;
    const chain = async (first: string) => {
      let token = first;
      while (performance.now() < deadline) {
        const sent = performance.now();
        const answer = await post(agent, `${job.base}/token/refresh`, JSON.stringify({ refresh: token })).catch(() => ({ status: 0, text: '' }));
        if (answer.status === 201) {
          latencies.push(performance.now() - sent);
          token = (JSON.parse(answer.text) as { refresh: string }).refresh;
        } else {
          // A broken chain starts a new family (and is counted: it must not happen).
          unexpected++;
          token = await seed(agent, job.base);
        }
      }
    };
    await Promise.all(starts.map(chain));
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { reqPerSec: latencies.length / elapsed, total: latencies.length, p50: Math.round(percentile(latencies, 0.5)), p99: Math.round(percentile(latencies, 0.99)), non2xx: unexpected, errors: 0 };
  } finally {
    agent.destroy();
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  process.stdout.write(`${JSON.stringify(await run(JSON.parse(line) as Job))}\n`);
}
