import { buildApp } from '../helpers/app.js';
import { claims, expectRefused, forge, getMe } from './attack-kit.js';

describe('attack: alg none', function () {
  const app = buildApp();

  for (const alg of ['none', 'None', 'NONE', 'nOnE', 'none ', '']) {
    it(`refuses an unsigned token with alg ${JSON.stringify(alg)} as 401 token_invalid`, async function () {
      expectRefused(await getMe(app, forge({ alg, typ: 'JWT' }, claims(), { none: true })));
    });

    it(`refuses alg ${JSON.stringify(alg)} even with a signature made by the real secret`, async function () {
      expectRefused(await getMe(app, forge({ alg, typ: 'JWT' }, claims())));
    });
  }

  it('refuses a header with no alg at all', async function () {
    expectRefused(await getMe(app, forge({ typ: 'JWT' }, claims())));
  });

  it('accepts the same claims properly signed (the control)', async function () {
    const res = await getMe(app, forge({ alg: 'HS256', typ: 'JWT' }, claims()));
    if (res.status !== 200) throw new Error(`control refused: ${JSON.stringify(res.body)}`);
  });
});
