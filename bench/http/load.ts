import autocannon from 'autocannon';

// The load generator, in its own process: `tsx bench/http/load.ts <url> <token> <seconds> <connections>`.
// A warm-up run (JIT, keep-alive sockets, caches) is thrown away; the measured run is printed as JSON.

const [url, token, seconds, connections] = process.argv.slice(2);
const options = { url: url!, connections: Number(connections), headers: { authorization: `Bearer ${token}` } };

await autocannon({ ...options, duration: Math.max(1, Math.round(Number(seconds) / 3)) });
const result = await autocannon({ ...options, duration: Number(seconds) });
process.stdout.write(`${JSON.stringify({
  reqPerSec: result.requests.average,
  p99: result.latency.p99,
  latencyAvg: result.latency.average,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
})}\n`);
