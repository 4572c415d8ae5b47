import { expect } from 'chai';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import sinon from 'sinon';
import { buildApp } from '../helpers/app.js';
import { dummyHash } from '../../lib/users/password.js';
import { expectError } from './attack-kit.js';

// An attacker learns which usernames exist when "no such user" answers faster than "wrong
// password". Timing is never asserted (no timed tests); instead: every path answers the same
// body and runs exactly one scrypt of the same cost — the work that dominates the time.
describe('attack: invalid_credentials timing, unknown vs known user', function () {
  const app = buildApp();
  let calls: Array<{ N: number | undefined; r: number | undefined; keylen: number }>;
  let restore: () => void;

  before(async function () {
    await dummyHash(); // made once per process: warm it so that every request below pays alike
    const original = crypto.scrypt;
    calls = [];
    const spy = sinon.stub(crypto, 'scrypt').callsFake(((...args: Parameters<typeof original>) => {
      const [, , keylen, options] = args as unknown as [unknown, unknown, number, crypto.ScryptOptions];
      calls.push({ N: options?.N, r: options?.r, keylen });
      return (original as (...a: unknown[]) => void)(...args);
    }) as typeof original);
    // password.ts imports `scrypt` by name: refresh the named export so it sees the stub.
    syncBuiltinESMExports();
    restore = () => {
      spy.restore();
      syncBuiltinESMExports();
    };
  });
  after(function () {
    restore?.();
  });

  const attempts: Array<[string, string, string]> = [
    ['an unknown user', 'mallory', 'whatever-password'],
    ['a known user with a wrong password', 'alice', 'wrong-password'],
    ['an inactive user with the right password', 'bob', 'bob-password'],
  ];
  const bodies: string[] = [];

  for (const [name, username, password] of attempts) {
    it(`${name}: 401 invalid_credentials after exactly one scrypt of the common cost`, async function () {
      calls.length = 0;
      const res = await app.request.post('/auth/token').send({ username, password });
      expectError(res, 401, 'invalid_credentials');
      bodies.push(JSON.stringify(res.body));
      expect(calls).to.have.length(1);
      expect(calls[0]).to.deep.equal({ N: 16384, r: 8, keylen: 32 });
    });
  }

  it('answers all three with the same body', function () {
    expect(bodies).to.have.length(3);
    expect(new Set(bodies).size).to.equal(1);
  });

  it('the spy sees the scrypt of a successful login too (it is wired to the real path)', async function () {
    calls.length = 0;
    const res = await app.request.post('/auth/token').send({ username: 'alice', password: 'alice-password' });
    expect(res.status).to.equal(201);
    expect(calls).to.have.length(1);
  });
});
