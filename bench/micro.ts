import { constants, createHmac, createPublicKey, createSecretKey, type KeyObject, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';
import { createVerifier as fastJwtVerifier } from 'fast-jwt';
import { jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { do_not_optimize, measure } from 'mitata';
import { BENCH_ALGS, type BenchAlg, type Fixture, forge, makeAuth, tokenOf } from './setup.js';
import { internalsOf } from '../lib/internals.js';

/** One measured line: median time per call in nanoseconds (the median resists the noise of a shared machine). */
export interface MicroRow {
  alg: BenchAlg | 'revocation';
  name: string;
  ns: number;
  /** Median over the rounds of this line's time / its algorithm's floor in the same round (measured next to each other). */
  floorRatio?: number;
}

export interface MicroResult {
  rows: MicroRow[];
  rounds: number;
}

/** The names of the lines the report reads targets from. */
export const MICRO = {
  floor: 'floor (node:crypto)',
  ours: 'koa-jwt-kit auth.verify (default config: token cache)',
  oursNoCache: 'koa-jwt-kit auth.verify, no cache',
  oursCore: 'koa-jwt-kit, no cache, synchronous core (authority.authenticateNow: no promise)',
  oursForged: 'koa-jwt-kit auth.verify, no cache, forged signature (refused)',
} as const;

const RSA_PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

/**
 * The raw floor: what verifying cannot avoid. Split, one HMAC or signature check of the
 * signing input, base64url + JSON.parse of the payload, an exp check. No header checks, no
 * claims rules: any library is slower than this.
 */
function rawFloor(alg: BenchAlg, key: KeyObject): (token: string) => unknown {
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const payloadOf = (token: string, a: number, b: number) => {
    const payload = JSON.parse(Buffer.from(token.slice(a + 1, b), 'base64url').toString('utf8')) as { exp: number };
    if (!(payload.exp > nowSeconds())) throw new Error('expired');
    return payload;
  };
  if (alg === 'HS256') {
    return (token) => {
      const a = token.indexOf('.');
      const b = token.indexOf('.', a + 1);
      const mac = createHmac('sha256', key).update(token.slice(0, b)).digest();
      const sig = Buffer.from(token.slice(b + 1), 'base64url');
      if (sig.length !== mac.length || !timingSafeEqual(sig, mac)) throw new Error('bad signature');
      return payloadOf(token, a, b);
    };
  }
  const hash = alg === 'EdDSA' ? null : 'sha256';
  const verifyKey = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : alg === 'PS256' ? { key, ...RSA_PSS } : key;
  return (token) => {
    const a = token.indexOf('.');
    const b = token.indexOf('.', a + 1);
    if (!cryptoVerify(hash, Buffer.from(token.slice(0, b)), verifyKey, Buffer.from(token.slice(b + 1), 'base64url'))) throw new Error('bad signature');
    return payloadOf(token, a, b);
  };
}

/**
 * ns per verify of one token, per algorithm: ours (auth.verify as the middleware runs it, default
 * config: memoryUsers looked up, token cache; then without the cache; then a forged token),
 * jsonwebtoken (KeyObject and string), fast-jwt, jose's jwtVerify, the raw floor. Plus the
 * revocation check on its own (memory store, with and without blacklist.cache).
 */
export async function runMicro(fixture: Fixture, options: { quick: boolean; filter?: RegExp }): Promise<MicroResult> {
  const entries: Array<{ id: string; alg: MicroRow['alg']; name: string; fn: () => unknown }> = [];
  const add = (alg: MicroRow['alg'], name: string, fn: () => unknown) => entries.push({ id: `${alg} ${name}`, alg, name, fn });

  for (const alg of BENCH_ALGS) {
    const cached = makeAuth(alg, fixture);
    const plain = makeAuth(alg, fixture, { cache: false });
    const token = await tokenOf(plain);
    const forged = forge(token);
    const keyObject: KeyObject = alg === 'HS256' ? createSecretKey(Buffer.from(fixture.secret)) : createPublicKey(fixture.publicKeys[alg]);
    const keyString = alg === 'HS256' ? fixture.secret : fixture.publicKeys[alg];
    await cached.verify(token);
    await plain.verify(token);
    const floor = rawFloor(alg, keyObject);

    add(alg, MICRO.floor, () => do_not_optimize(floor(token)));
    // The same shape for acceptance and refusal: one promise, one reaction.
    add(alg, MICRO.ours, () => cached.verify(token).then(do_not_optimize));
    add(alg, MICRO.oursNoCache, () => plain.verify(token).then(do_not_optimize));
    add(alg, MICRO.oursCore, () => do_not_optimize(internalsOf(plain).authority.authenticateNow(token)));
    add(alg, MICRO.oursForged, () => plain.verify(forged).then(undefined, do_not_optimize));
    if (alg !== 'EdDSA') {
      // jsonwebtoken has no EdDSA.
      add(alg, 'jsonwebtoken (KeyObject)', () => do_not_optimize(jwt.verify(token, keyObject, { algorithms: [alg] })));
      add(alg, 'jsonwebtoken (string)', () => do_not_optimize(jwt.verify(token, keyString, { algorithms: [alg] })));
    }
    const fast = fastJwtVerifier({ key: keyString, algorithms: [alg] });
    add(alg, 'fast-jwt createVerifier', () => do_not_optimize(fast(token)));
    const joseKey = alg === 'HS256' ? new Uint8Array(Buffer.from(fixture.secret)) : keyObject;
    const joseOptions = { algorithms: [alg] };
    add(alg, 'jose jwtVerify', async () => do_not_optimize(await jwtVerify(token, joseKey, joseOptions)));
  }

  const revocation = await revocationBenches(fixture);
  for (const [name, fn] of revocation) add('revocation', name, fn);

  // Rounds, each in another order, and the median of the rounds' medians: on a shared machine
  // the load of other processes drifts, and interleaving spreads it over every line alike.
  // mitata's measure() directly: run() would give every line its default 642 ms per round.
  const rounds = options.quick ? 1 : 5;
  const tune = { min_cpu_time: options.quick ? 30e6 : 60e6, min_samples: 12 };
  const chosen = entries.filter((e) => !options.filter || options.filter.test(e.id));
  const samples = new Map<string, number[]>(chosen.map((e) => [e.id, []]));
  for (let round = 0; round < rounds; round++) {
    const shift = (round * 7) % chosen.length;
    for (const e of [...chosen.slice(shift), ...chosen.slice(0, shift)]) {
      const stats = await measure(e.fn, tune);
      samples.get(e.id)!.push(stats.p50);
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
  // Ratios are taken round by round: the load of a shared machine drifts between rounds more
  // than between two lines measured one after the other.
  const floorRatio = (e: (typeof chosen)[number]): number | undefined => {
    const floor = samples.get(`${e.alg} ${MICRO.floor}`);
    const own = samples.get(e.id)!;
    return floor && floor.length === own.length ? median(own.map((ns, round) => ns / floor[round]!)) : undefined;
  };
  return {
    rows: chosen.map((e) => {
      const ratio = floorRatio(e);
      return { alg: e.alg, name: e.name, ns: median(samples.get(e.id)!), ...(ratio === undefined ? {} : { floorRatio: ratio }) };
    }),
    rounds,
  };
}

/** auth.verify with and without the revocation check, so that the check's own cost is the difference. */
async function revocationBenches(fixture: Fixture): Promise<Array<[string, () => unknown]>> {
  const plain = makeAuth('HS256', fixture);
  const withCache = makeAuth('HS256', fixture, { blacklistCache: true });
  const token = await tokenOf(plain);
  await plain.verify(token);
  await withCache.verify(token);
  const { verifier } = internalsOf(plain).authority;
  const cachedVerifier = internalsOf(withCache).authority.verifier;
  return [
    ['verifySignatureAndClaims (token cache, no revocation check)', async () => do_not_optimize(await verifier.verifySignatureAndClaims(token))],
    ['verify (token cache + memory-store revocation check)', async () => do_not_optimize(await verifier.verify(token))],
    ['verify (token cache + blacklist.cache)', async () => do_not_optimize(await cachedVerifier.verify(token))],
  ];
}
