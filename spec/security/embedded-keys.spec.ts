import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';
import { keyPair } from '../helpers/keys.js';
import { claims, countingServer, expectRefused, forge, getMe } from './attack-kit.js';

// The attacker signs with a key of their own and tells the verifier where to find it: in the
// token (jwk, x5c) or at a URL (jku, x5u). The keys come from the config only; the URLs are
// never fetched — a local server stands in for the attacker's and must see no request.
describe('attack: embedded jwk, jku, x5u, x5c headers', function () {
  const own = keyPair('rsa');
  const attacker = keyPair('rsa', 'attacker');
  const app = buildApp({ keys: { algorithm: 'RS256', privateKey: own.privatePem } });
  const kid = app.auth.keyring.list()[0]!.kid;
  const attackerJwk = { ...attacker.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const sign = (header: Record<string, unknown>) => forge({ alg: 'RS256', typ: 'JWT', ...header }, claims(), { key: attacker.privateKey, alg: 'RS256' });
  let server: Awaited<ReturnType<typeof countingServer>>;

  before(async function () {
    server = await countingServer(JSON.stringify({ keys: [attackerJwk] }));
  });
  after(async function () {
    await server.close();
  });

  it('refuses an embedded jwk (the attacker\'s public key), with and without our kid', async function () {
    expectRefused(await getMe(app, sign({ jwk: attackerJwk })));
    expectRefused(await getMe(app, sign({ jwk: attackerJwk, kid })));
  });

  it('refuses a jku header and never fetches it', async function () {
    expectRefused(await getMe(app, sign({ jku: `${server.url}/jwks.json` })));
    expectRefused(await getMe(app, sign({ jku: `${server.url}/jwks.json`, kid })));
    expect(server.requests).to.deep.equal([]);
  });

  it('refuses an x5u header and never fetches it', async function () {
    expectRefused(await getMe(app, sign({ x5u: `${server.url}/cert.pem` })));
    expectRefused(await getMe(app, sign({ x5u: `${server.url}/cert.pem`, kid })));
    expect(server.requests).to.deep.equal([]);
  });

  it('refuses an x5c header', async function () {
    expectRefused(await getMe(app, sign({ x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'], kid })));
  });

  it('refuses jku/jwk even on a token our own key signed (the header alone is refused)', async function () {
    const token = forge({ alg: 'RS256', kid, jku: `${server.url}/jwks.json` }, claims(), { key: own.privateKey, alg: 'RS256' });
    expectRefused(await getMe(app, token));
    expect(server.requests).to.deep.equal([]);
  });

  it('accepts our own key\'s token (the control), and refuses the attacker\'s without any header', async function () {
    expect((await getMe(app, forge({ alg: 'RS256', kid }, claims(), { key: own.privateKey, alg: 'RS256' }))).status).to.equal(200);
    expectRefused(await getMe(app, sign({ kid })));
  });
});
