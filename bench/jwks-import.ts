import { createServer, type Server } from 'node:http';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { detachedKeyPair } from '../lib/keyring/key-pair.js';

// npx tsx bench/jwks-import.ts [stall|outage|exponent ...] [--lib DIR]
//
// What a hostile or broken issuer of keys.jwksUri costs a verifier, measured on the package's
// lib/ (or another checkout's, `--lib /path/to/checkout/lib`, to compare before and after):
// - stall: the longest event-loop stall (a 1 ms setInterval lag probe) while the verifier
//   fetches a 6,001-key P-256 JWKS (~978 KiB, under the 1 MiB cap) and verifies one token;
// - outage: how many JWKS fetches 5 s of random-kid tokens cause when the issuer has never
//   answered with keys (it answers 500, HTML, a 302 and a 404 in turn), and what they answered;
// - exponent: the CPU cost of refusing a forged token whose kid names a remote RSA key with a
//   3071-bit public exponent, beside one with e = 65537.
// Absolute figures move with the machine: compare runs of one machine.

const args = process.argv.slice(2);
const libDir = args.includes('--lib') ? args[args.indexOf('--lib') + 1]! : new URL('../lib', import.meta.url).pathname;
const wanted = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--lib');
const parts = wanted.length > 0 ? wanted : ['stall', 'outage', 'exponent'];

type Verify = { verify(token: string): Promise<unknown>; close(): Promise<void> };
const { koaJwt } = (await import(`${libDir}/koa-jwt.ts`)) as { koaJwt: (config: unknown) => Verify };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token whose signature is random bytes: every one a refusal after a signature check. */
const forged = (alg: string, kid: string, signatureBytes: number) => {
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg, typ: 'JWT', kid })}.${b64({ user_id: '1', username: 'alice', exp: now + 300, iat: now })}.${randomBytes(signatureBytes).toString('base64url')}`;
};

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; uri: string; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => { requests++; handler!(req, res); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`, requests: () => requests };
}

/** Runs `work` while a 1 ms interval measures how late it fires: the longest stall, in ms. */
async function longestStall(work: () => Promise<unknown>): Promise<{ stallMs: number; totalMs: number }> {
  let last = performance.now();
  let worst = 0;
  const probe = setInterval(() => {
    const t = performance.now();
    worst = Math.max(worst, t - last);
    last = t;
  }, 1);
  const t0 = performance.now();
  await work().catch(() => undefined);
  const totalMs = performance.now() - t0;
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(probe);
  return { stallMs: worst, totalMs };
}

async function stall(): Promise<void> {
  const keys = Array.from({ length: 6001 }, (_, i) => {
    const { publicKey } = detachedKeyPair(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    return { ...publicKey.export({ format: 'jwk' }), kid: `k${i}`, alg: 'ES256', use: 'sig' };
  });
  const body = JSON.stringify({ keys });
  const issuer = await serve((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(body); });
  console.log(`stall: JWKS of ${keys.length} P-256 keys, ${(body.length / 1024).toFixed(0)} KiB`);
  for (const [name, extra] of [['default config', {}], ['keys.jwksMaxKeys: 6001', { jwksMaxKeys: 6001 }]] as const) {
    let auth: Verify;
    try {
      auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: issuer.uri, ...extra } });
    } catch (err) {
      console.log(`  ${name}: ${(err as Error).message}`); // a checkout without the option
      continue;
    }
    // The token's signature is forged: what is measured is the fetch and the key's import.
    const first = await longestStall(() => auth.verify(forged('ES256', 'k50', 64)));
    const next = await longestStall(() => auth.verify(forged('ES256', 'k60', 64)));
    console.log(`  ${name}: first token (fetch) longest stall ${first.stallMs.toFixed(1)} ms of ${first.totalMs.toFixed(0)} ms; a second kid ${next.stallMs.toFixed(1)} ms`);
    await auth.close();
  }
  issuer.server.close();
}

async function outage(): Promise<void> {
  // The answers of an issuer in trouble, in turn: none is a JWKS.
  const answers = [
    (res: import('node:http').ServerResponse) => { res.statusCode = 500; res.end('down'); },
    (res: import('node:http').ServerResponse) => { res.setHeader('content-type', 'text/html'); res.end('<html>maintenance</html>'); },
    (res: import('node:http').ServerResponse) => { res.statusCode = 302; res.setHeader('location', '/login'); res.end(); },
    (res: import('node:http').ServerResponse) => { res.statusCode = 404; res.end('not found'); },
  ];
  let turn = 0;
  const issuer = await serve((_req, res) => answers[turn++ % answers.length]!(res));
  const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: issuer.uri } });
  const seconds = 5;
  const outcomes = new Map<string, number>();
  let sent = 0;
  const end = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      sent++;
      const outcome = await auth.verify(forged('ES256', randomBytes(8).toString('hex'), 64)).then(
        () => 'accepted',
        (err: { status?: number; retryAfter?: number }) => `${err.status}${err.retryAfter ? ` Retry-After ${err.retryAfter}` : ''}`,
      );
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 16 }, client));
  console.log(`outage: ${sent} tokens with random kids in ${seconds} s against an issuer that never served keys → ${issuer.requests()} JWKS fetches`);
  for (const [outcome, n] of outcomes) console.log(`  ${outcome}: ${n}`);
  await auth.close();
  issuer.server.close();
}

async function exponent(): Promise<void> {
  const { publicKey } = detachedKeyPair(generateKeyPairSync('rsa', { modulusLength: 3072 }));
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  // A 3071-bit odd public exponent below n: each signature check is a 3071-bit exponentiation.
  const e = randomBytes(384);
  e[0] = 0x40; // bit 3070 set, bit 3071 clear: 3071 bits, below the 3072-bit n
  e[e.length - 1]! |= 1;
  const huge = { kty: 'RSA', n: jwk.n, e: e.toString('base64url'), kid: 'huge', alg: 'RS256', use: 'sig' };
  createPublicKey({ key: huge, format: 'jwk' }); // node:crypto takes it
  const normal = { ...jwk, kid: 'normal', alg: 'RS256', use: 'sig' };
  const body = JSON.stringify({ keys: [huge, normal] });
  const issuer = await serve((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(body); });
  const auth = koaJwt({ keys: { algorithm: 'RS256', jwksUri: issuer.uri } });
  await auth.verify(forged('RS256', 'normal', 384)).catch(() => undefined); // the fetch
  console.log('exponent: refusing a forged RS256 token (3072-bit modulus), median of 200');
  for (const kid of ['huge', 'normal']) {
    const times: number[] = [];
    const refusals = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const token = forged('RS256', kid, 384);
      const t0 = performance.now();
      await auth.verify(token).catch((err: { code?: string }) => refusals.add(String(err.code)));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`  kid ${kid} (e of ${kid === 'huge' ? 3071 : 17} bits): ${times[100]!.toFixed(3)} ms per refusal (${[...refusals].join(', ')})`);
  }
  await auth.close();
  issuer.server.close();
}

const runs: Record<string, () => Promise<void>> = { stall, outage, exponent };
for (const part of parts) await runs[part]!();
