import type { KeyObject } from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import { KoaJwtError } from '../../lib/errors.js';
import { type KoaJwt, koaJwt } from '../../lib/koa-jwt.js';
import { memoryStore } from '../../lib/stores/memory-store.js';
import { testUsers } from '../helpers/app.js';
import { decode, handSign } from '../helpers/tokens.js';
import { internalsOf } from '../../lib/internals.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EVERY = 30 * DAY;
const STEP = 6 * HOUR;
// An odd offset into a slot, so regular steps do not land on slot starts by themselves.
const START = 19_000 * EVERY + 3 * DAY + 7 * HOUR + 13 * 60_000;

interface Issued { token: string; kid: string; exp: number; by: string }

describe('a year of managed rotation every 30 days (simulated clock)', function () {
  this.timeout(120_000);
  let clock: sinon.SinonFakeTimers;
  let a: KoaJwt;
  let b: KoaJwt;
  const instances: KoaJwt[] = [];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: START, toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const store = memoryStore();
    const config = {
      keys: { rotation: { algorithm: 'ES256' as const, every: '30d', publishAhead: '1d', checkEvery: '1h' } },
      token: { expiresIn: '1d' },
      refresh: { expiresIn: '7d' },
      users: testUsers(),
      store,
    };
    a = koaJwt(config);
    instances.push(a);
    b = koaJwt(config);
    instances.push(b);
  });
  afterEach(async () => {
    try {
      for (const auth of instances.splice(0)) await auth.close();
    } finally {
      clock.restore(); // even when koaJwt() threw in beforeEach: a fake Date left installed fails every later spec
    }
  });

  it('never refuses a valid token and never verifies a token of a removed key', async () => {
    await Promise.all([a.ready(), b.ready()]);
    const privateKeys = new Map<string, KeyObject>();
    const removed = new Set<string>();
    const remember = (auth: KoaJwt) => auth.keyring.onChange((c) => {
      if (c.type === 'add') privateKeys.set(c.kid, internalsOf(auth).keyring.get(c.kid)!.signingKey!);
      if (c.type === 'remove') removed.add(c.kid);
    });
    for (const auth of [a, b]) {
      remember(auth);
      for (const k of auth.keyring.list()) privateKeys.set(k.kid, internalsOf(auth).keyring.get(k.kid)!.signingKey!);
    }

    // Checkpoints: every 6 hours, and a second either side of every slot start.
    const end = START + 365 * DAY;
    const times = new Set<number>();
    for (let t = START + STEP; t <= end; t += STEP) times.add(t);
    for (let s = Math.ceil(START / EVERY) * EVERY; s <= end; s += EVERY) [s - 1000, s, s + 1000].forEach((t) => times.add(t));

    let live: Issued[] = [];
    const signers = new Set<string>();
    let verified = 0;
    let forgedRefused = 0;
    for (const t of [...times].sort((x, y) => x - y)) {
      await clock.tickAsync(t - Date.now());
      const nowS = Math.floor(Date.now() / 1000);
      for (const [name, auth] of [['a', a], ['b', b]] as const) {
        const { token, payload } = await auth.issue({ id: '1', username: 'alice' });
        const kid = decode(token).header.kid as string;
        signers.add(kid);
        live.push({ token, kid, exp: payload.exp, by: name });
      }
      live = live.filter((i) => i.exp > nowS);
      // Both instances sign with the same key at every checkpoint.
      expect(live.at(-1)!.kid, new Date(t).toISOString()).to.equal(live.at(-2)!.kid);
      for (const issued of live) {
        expect(removed.has(issued.kid), `a live token's key ${issued.kid} was removed`).to.equal(false);
        for (const auth of [a, b]) {
          try {
            await auth.verify(issued.token);
            verified++;
          } catch (err) {
            expect.fail(`${new Date(t).toISOString()}: a valid token of ${issued.kid} (from ${issued.by}) was refused: ${(err as Error).message}`);
          }
        }
      }
      for (const kid of removed) {
        const forged = handSign({ user_id: '1', iat: nowS, exp: nowS + 60 }, { key: privateKeys.get(kid)!, alg: 'ES256', header: { kid } });
        for (const auth of [a, b]) {
          const err = await auth.verify(forged).then(() => undefined, (e: unknown) => e);
          expect(err, `removed key ${kid} verified a token at ${new Date(t).toISOString()}`).to.be.instanceOf(KoaJwtError);
          expect((err as KoaJwtError).code).to.equal('token_invalid');
          forgedRefused++;
        }
      }
    }
    // A year of 30-day slots: 12 or 13 signing keys, all but the last two or so removed.
    expect(signers.size).to.be.within(12, 14);
    expect(removed.size).to.be.within(signers.size - 2, signers.size - 1);
    expect(verified).to.be.greaterThan(10_000);
    expect(forgedRefused).to.be.greaterThan(1000);
  });
});
