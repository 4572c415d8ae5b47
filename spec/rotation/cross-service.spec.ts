import type { KeyObject } from 'node:crypto';
import { expect } from 'chai';
import Koa from 'koa';
import sinon from 'sinon';
import supertest from 'supertest';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { testUsers } from '../helpers/app.js';
import { type Listening, listen } from '../helpers/listen.js';
import { decode, handSign } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const EVERY = 30 * DAY;
const START = 20_100 * EVERY + 5 * DAY;
const SLOT_END = 20_101 * EVERY;

describe('cross-service: an issuer rotating its keys, a verifier on its JWKS (two loopback ports)', () => {
  // Only Date and performance.now are simulated: the HTTP servers keep real timers and sockets.
  let clock: sinon.SinonFakeTimers;
  let issuer: KoaJwt;
  let verifier: KoaJwt;
  let issuerServer: Listening;
  let verifierServer: Listening;
  let jwksRequests: number;
  // What to close, newest first: only what beforeEach got to open.
  const opened: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    // Counted per run: StrykerJS runs this spec once per mutant in one process, and a count
    // carried over from the previous run failed it for every mutant after the second.
    jwksRequests = 0;
    clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance'] });
    issuer = koaJwt({
      keys: { rotation: { algorithm: 'ES256', every: '30d', publishAhead: '1d', checkEvery: '1h' } },
      token: { expiresIn: '10m' },
      refresh: { expiresIn: '7d' },
      jwks: { maxAge: 600 },
      users: testUsers(),
      store: memoryStore(),
    });
    const issuing = issuer;
    opened.push(() => issuing.close());
    await issuer.ready();
    const issuerApp = new Koa();
    issuerApp.use(async (ctx, next) => { if (ctx.path.endsWith('jwks.json')) jwksRequests++; await next(); });
    issuerApp.use(issuer.jwks());
    issuerServer = await listen(issuerApp.callback());
    const issuerListening = issuerServer;
    opened.push(() => issuerListening.close());

    verifier = koaJwt({ keys: { algorithm: 'ES256', jwksUri: `${issuerServer.origin}/.well-known/jwks.json`, jwksCacheMaxAge: 600 }, token: { maxLifetime: '10m' } });
    const verifying = verifier;
    opened.push(() => verifying.close());
    const verifierApp = new Koa();
    verifierApp.silent = true;
    verifierApp.use(verifier);
    verifierApp.use((ctx) => { ctx.body = { user: (ctx.state as { user?: unknown }).user }; });
    verifierServer = await listen(verifierApp.callback());
    const verifierListening = verifierServer;
    opened.push(() => verifierListening.close());
  });
  // The clock goes back even when beforeEach stopped half-way (the issuer not ready, no server
  // yet): a fake Date left installed fails every later spec of the process, and under StrykerJS
  // every later mutant's run ("Can't install fake timers twice").
  afterEach(async () => {
    try {
      for (const close of opened.splice(0).reverse()) await close();
    } finally {
      clock.restore();
    }
  });

  const issue = async () => (await issuer.issue({ id: '1', username: 'alice' })).token;
  const kidOf = (token: string) => decode(token).header.kid as string;
  const onVerifier = (token: string) => supertest(verifierServer.origin).get('/').set('Authorization', `Bearer ${token}`);
  const advance = (ms: number) => clock.tick(ms);

  it('keeps verifying through next → active → retired → removed, and refuses the removed key', async () => {
    const first = await issue();
    const k0 = kidOf(first);
    await onVerifier(first).expect(200);

    // publishAhead before the slot ends: k1 is published as next; tokens still come from k0.
    advance(SLOT_END - DAY - START + HOUR);
    const beforeSwitch = await issue();
    expect(kidOf(beforeSwitch)).to.equal(k0);
    const k1 = issuer.keyring.list().find((k) => k.state === 'next')!.kid;
    await onVerifier(beforeSwitch).expect(200);

    // Just before the switch: a k0 token that lives on after it.
    advance(SLOT_END - Date.now() - MINUTE);
    const lastOfK0 = await issue();
    expect(kidOf(lastOfK0)).to.equal(k0);

    // The switch: k1 signs, k0 is retired and still published; both verify on the verifier.
    advance(2 * MINUTE);
    const firstOfK1 = await issue();
    expect(kidOf(firstOfK1)).to.equal(k1);
    expect(internalsOf(issuer).keyring.get(k0)!.state).to.equal('retired');
    await onVerifier(firstOfK1).expect(200);
    await onVerifier(lastOfK0).expect(200);

    // A token of k0 minted (by anyone holding k0) after it was removed must be refused.
    const k0Private: KeyObject = internalsOf(issuer).keyring.get(k0)!.signingKey!;
    advance(7 * DAY + 600_000 + HOUR);
    const later = await issue(); // the issuer syncs before signing: k0 is removed now
    expect(internalsOf(issuer).keyring.get(k0)).to.equal(undefined);
    expect(internalsOf(issuer).keyring.jwks().keys.map((k) => k.kid)).to.deep.equal([k1]);
    await onVerifier(later).expect(200);

    advance(600_000 + 1000); // the verifier's JWKS cache (jwksCacheMaxAge) runs out
    const at = Math.floor(Date.now() / 1000);
    const forged = handSign({ user_id: '1', username: 'alice', iat: at, exp: at + 300 }, { key: k0Private, alg: 'ES256', header: { kid: k0 } });
    const res = await onVerifier(forged).expect(401);
    expect(res.body.error).to.equal('token_invalid');
    await onVerifier(await issue()).expect(200);
    expect(jwksRequests).to.be.at.most(8); // every fetch above was a cache expiry or one refetch for a new kid
  });
});
