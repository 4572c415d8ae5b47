import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { b64url, expectRefused, getMe } from './attack-kit.js';

const flipBit = (part: string, byte: number, bit: number): string => {
  const bytes = Buffer.from(part, 'base64url');
  bytes[byte % bytes.length]! ^= 1 << bit;
  return b64url(bytes);
};

describe('attack: signature stripped or one bit flipped', function () {
  const app = buildApp();
  let token: string;
  let parts: [string, string, string];

  before(async function () {
    token = (await app.auth.issue({ id: '1', username: 'alice' })).token;
    parts = token.split('.') as [string, string, string];
    expect((await getMe(app, token)).status, 'the control token').to.equal(200);
  });

  it('refuses the token with its signature removed (header.payload.)', async function () {
    expectRefused(await getMe(app, `${parts[0]}.${parts[1]}.`));
  });

  it('refuses the token with the signature and its dot removed (header.payload)', async function () {
    expectRefused(await getMe(app, `${parts[0]}.${parts[1]}`));
  });

  it('refuses the token with a signature of zeros', async function () {
    expectRefused(await getMe(app, `${parts[0]}.${parts[1]}.${b64url(Buffer.alloc(32))}`));
  });

  it('refuses the token with a truncated signature', async function () {
    expectRefused(await getMe(app, `${parts[0]}.${parts[1]}.${parts[2].slice(0, 40)}`));
  });

  for (const [byte, bit] of [[0, 0], [0, 7], [15, 3], [31, 0], [31, 7]] as const) {
    it(`refuses the token with bit ${bit} of signature byte ${byte} flipped`, async function () {
      expectRefused(await getMe(app, `${parts[0]}.${parts[1]}.${flipBit(parts[2], byte, bit)}`));
    });
  }

  for (const [byte, bit] of [[0, 0], [10, 1], [40, 5]] as const) {
    it(`refuses the token with bit ${bit} of payload byte ${byte} flipped`, async function () {
      expectRefused(await getMe(app, `${parts[0]}.${flipBit(parts[1], byte, bit)}.${parts[2]}`));
    });
  }

  it('refuses the token with a header byte flipped', async function () {
    expectRefused(await getMe(app, `${flipBit(parts[0], 5, 1)}.${parts[1]}.${parts[2]}`));
  });

  it('refuses the signature of one token on the payload of another', async function () {
    const other = (await app.auth.issue({ id: '3', username: 'root' })).token.split('.');
    expectRefused(await getMe(app, `${parts[0]}.${other[1]}.${parts[2]}`));
  });
});
