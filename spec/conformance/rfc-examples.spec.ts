import { expect } from 'chai';
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { koaJwt } from '../../lib/koa-jwt.js';
import type { JwkObject } from '../../lib/keyring/material.js';
import { testUsers } from '../helpers/app.js';
import { checkJws } from './vectors.js';

// The examples of RFC 7515 appendix A and RFC 8037 appendix A.4, copied from the RFC texts.
// A.1–A.3 sign the same claims, whose exp (1300819380, March 2011) is long past: the signature
// check passes and the full JWT verification answers token_expired.

const CLAIMS = 'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ';

const A1 = {
  jwk: { kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow' },
  token: `eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.${CLAIMS}.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk`,
};

const A2 = {
  jwk: {
    kty: 'RSA',
    e: 'AQAB',
    n: 'ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ',
  },
  token: `eyJhbGciOiJSUzI1NiJ9.${CLAIMS}.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw`,
};

const A3 = {
  jwk: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' },
  token: `eyJhbGciOiJFUzI1NiJ9.${CLAIMS}.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q`,
};

// RFC 8037 A.1 (the key), A.4 (the JWS of "Example of Ed25519 signing").
const ED25519 = {
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  jwk: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
  input: 'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc',
  signature: 'hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg',
};

const tamper = (token: string): string => token.replace(/\.(.)/, (_m, c: string) => `.${c === 'e' ? 'f' : 'e'}`);

describe('conformance: RFC examples', function () {
  const cases: Array<{ name: string; alg: 'HS256' | 'RS256' | 'ES256'; jwk: JwkObject; token: string }> = [
    { name: 'RFC 7515 A.1 (HS256)', alg: 'HS256', ...A1 },
    { name: 'RFC 7515 A.2 (RS256)', alg: 'RS256', ...A2 },
    { name: 'RFC 7515 A.3 (ES256)', alg: 'ES256', ...A3 },
  ];
  for (const { name, alg, jwk, token } of cases) {
    describe(name, function () {
      it('passes the keyring signature check', function () {
        const { outcome, reason } = checkJws([{ ...jwk, alg }], token);
        expect(outcome, reason).to.equal('verified');
      });

      it('fails it once the payload is changed', function () {
        expect(checkJws([{ ...jwk, alg }], tamper(token)).outcome).to.equal('refused');
      });

      it('is refused by the full JWT verification as token_expired (exp 1300819380 is past)', async function () {
        const keys = alg === 'HS256' ? { algorithm: alg, secret: jwk } : { algorithm: alg, publicKey: jwk };
        const auth = koaJwt({ keys, ...(alg === 'HS256' ? { users: testUsers() } : {}) });
        const err = await auth.verify(token).then(() => undefined, (e: unknown) => e as { code?: string; expiredAt?: Date });
        expect(err?.code).to.equal('token_expired');
        expect(err?.expiredAt?.getTime()).to.equal(1300819380 * 1000);
        await auth.close();
      });
    });
  }

  describe('RFC 8037 A.4 (Ed25519)', function () {
    const token = `${ED25519.input}.${ED25519.signature}`;

    it('the RFC key signs the input into the RFC signature (Ed25519 is deterministic)', function () {
      const privateKey = createPrivateKey({ key: { ...ED25519.jwk, d: ED25519.d }, format: 'jwk' });
      expect(cryptoSign(null, Buffer.from(ED25519.input), privateKey).toString('base64url')).to.equal(ED25519.signature);
    });

    it('passes the keyring signature check', function () {
      const { outcome, reason } = checkJws([{ ...ED25519.jwk, alg: 'EdDSA' }], token);
      expect(outcome, reason).to.equal('verified');
    });

    it('fails it once the payload is changed', function () {
      expect(checkJws([{ ...ED25519.jwk, alg: 'EdDSA' }], tamper(token)).outcome).to.equal('refused');
    });

    it('is refused by the full JWT verification as token_invalid (its payload is text, not a claim set)', async function () {
      const auth = koaJwt({ keys: { algorithm: 'EdDSA', publicKey: ED25519.jwk } });
      const err = await auth.verify(token).then(() => undefined, (e: unknown) => e as { code?: string; message?: string });
      expect(err?.code).to.equal('token_invalid');
      expect(err?.message).to.match(/not a JSON object/);
      await auth.close();
    });
  });
});
