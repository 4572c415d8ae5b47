// The login-flood benchmark's prober, in its own process so that the flood's client work does
// not delay it: `tsx bench/login/probe.ts <base> <token> <seconds>` sends GET /me with the
// token every 50 ms, from "READY" on, and then prints one JSON line: { latencies: [ms...], failed }.

const [base, token, seconds] = process.argv.slice(2);
process.stdout.write('READY\n');
const until = performance.now() + Number(seconds) * 1000;
const latencies: number[] = [];
let failed = 0;
while (performance.now() < until) {
  const started = performance.now();
  const res = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
  await res?.arrayBuffer();
  if (res?.status === 200) latencies.push(performance.now() - started);
  else failed++;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
process.stdout.write(`${JSON.stringify({ latencies, failed })}\n`);
