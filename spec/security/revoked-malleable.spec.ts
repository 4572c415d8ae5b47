import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { expectRefused, getMe } from './attack-kit.js';

// ECDSA signatures are malleable: (r, s) and (r, n − s) both verify. A blacklist keyed on the
// token string would miss the second spelling of a revoked token; revocation is keyed on the
// jti / family id instead (docs/security.md, "Issuing, revoking").
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The same ES256 token with its signature re-encoded as (r, n − s): still a valid signature. */
export function malleate(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const high = P256_ORDER - BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const out = Buffer.concat([sig.subarray(0, 32), Buffer.from(high.toString(16).padStart(64, '0'), 'hex')]);
  return `${h}.${p}.${out.toString('base64url')}`;
}

describe('attack: a re-encoded (malleable) signature of a revoked token', function () {
  const es = keyPair('P-256');
  const configs: Array<[string, KoaJwtConfig]> = [
    ['tokenId include (revoked by jti)', { keys: { algorithm: 'ES256', privateKey: es.privatePem } }],
    ['tokenId off (no jti: revoked by a hash)', { keys: { algorithm: 'ES256', privateKey: es.privatePem }, token: { tokenId: 'off' } }],
  ];

  for (const [name, config] of configs) {
    describe(name, function () {
      const app = buildApp(config);

      it('the re-encoded token is a different string whose signature still verifies (the premise)', async function () {
        const { token } = await app.auth.issue({ id: '1', username: 'alice' });
        const twin = malleate(token);
        expect(twin).not.to.equal(token);
        expect((await getMe(app, twin)).status).to.equal(200);
      });

      it('refuses the re-encoded twin of a revoked token as 401 token_revoked', async function () {
        const { token } = await app.auth.issue({ id: '1', username: 'alice' });
        await (app.auth as unknown as { blacklist(t: string): Promise<string> }).blacklist(token);
        expectRefused(await getMe(app, token), 'token_revoked');
        expectRefused(await getMe(app, malleate(token)), 'token_revoked');
      });
    });
  }

  it('refuses a base64 re-spelling of a revoked token\'s signature (non-zero unused bits) as 401 token_invalid', async function () {
    const app = buildApp(configs[0]![1]);
    const { token } = await app.auth.issue({ id: '1', username: 'alice' });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1)!);
    // A 64-byte signature is 86 characters: the last one carries 4 unused bits.
    expectRefused(await getMe(app, `${token.slice(0, -1)}${alphabet[last + 1]}`));
  });
});
