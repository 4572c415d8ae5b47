import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { expect } from 'chai';
import sinon from 'sinon';
import { createRemoteKeySource, type RemoteKeySourceOptions } from '../../lib/keyring/remote.js';
import { jwkMayVerify } from '../../lib/keyring/remote-key.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { JwksServer } from '../helpers/jwks-server.js';
import { keyPair } from '../helpers/keys.js';
import { claims, forge } from '../security/attack-kit.js';

// The CPU a remote JWKS may cost (lib/keyring/remote.ts): a bounded number of keys taken from one
// document, and each imported once, when its kid is first asked for. 6,001 P-256 keys, each
// imported up to three times at the fetch, blocked the event loop for seconds.

const es256 = (kid: string) => forge({ alg: 'ES256', kid }, claims(), { key: keyPair('P-256', kid).privateKey, alg: 'ES256' });
const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (err: unknown) => err);

describe('remote key source: what a JWKS may cost (keys.jwksMaxKeys, import on first use)', function () {
  let server: JwksServer;
  const t = 1_000_000;
  const now = () => t;
  const source = (options: Partial<RemoteKeySourceOptions> = {}) =>
    createRemoteKeySource({ jwksUri: server.uri, algorithms: ['ES256'], now, ...options });

  beforeEach(async function () {
    server = await new JwksServer().start();
    for (const kid of ['k0', 'k1', 'k2']) server.publish(kid);
  });
  afterEach(() => server.listening.close());

  describe('each key is imported once, when its kid is first asked for', function () {
    /** createPublicKey calls by the kid of the JWK imported (node:crypto's live ESM binding, swapped). */
    let imports: Map<string, number>;
    beforeEach(function () {
      imports = new Map();
      const original = crypto.createPublicKey;
      sinon.replace(crypto, 'createPublicKey', ((input: Parameters<typeof original>[0]) => {
        const kid = (input as { key?: { kid?: unknown } }).key?.kid;
        if (typeof kid === 'string') imports.set(kid, (imports.get(kid) ?? 0) + 1);
        return original(input);
      }) as typeof original);
      syncBuiltinESMExports();
    });
    afterEach(function () {
      sinon.restore();
      syncBuiltinESMExports();
    });

    it('nothing is imported at the fetch; the kid asked for is imported once, however often it is asked', async function () {
      const remote = source();
      for (let i = 0; i < 5; i++) expect((await remote.getKey('k1', 'ES256'))?.kid).to.equal('k1');
      expect(server.requests).to.equal(1);
      expect(Object.fromEntries(imports)).to.deep.equal({ k1: 1 });
      await remote.getKey('k2', 'ES256');
      expect(Object.fromEntries(imports)).to.deep.equal({ k1: 1, k2: 1 });
    });

    it('a token without kid imports the candidates of its alg once each, and no other key', async function () {
      server.keys.push({ ...keyPair('rsa').publicKey.export({ format: 'jwk' }), kid: 'rs', use: 'sig' });
      const remote = source({ algorithms: ['ES256', 'RS256'] });
      await remote.getKey('k0', 'ES256');
      for (let i = 0; i < 3; i++) expect((await remote.getKeys('ES256')).map((k) => k.kid)).to.deep.equal(['k0', 'k1', 'k2']);
      expect(Object.fromEntries(imports)).to.deep.equal({ k0: 1, k1: 1, k2: 1 });
      expect((await remote.getKeys('RS256')).map((k) => k.kid)).to.deep.equal(['rs']);
      expect(imports.get('rs')).to.equal(1);
    });

    it('a refused key is tried once: later asks for its kid cost no import and no second error event', async function () {
      server.keys.push({ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA', kid: 'off-curve', alg: 'ES256' });
      const onError = sinon.spy();
      const remote = source({ onError });
      for (let i = 0; i < 3; i++) expect(await remote.getKey('off-curve', 'ES256')).to.equal(undefined);
      expect(imports.get('off-curve')).to.equal(1);
      expect(onError.callCount).to.equal(1);
      expect(onError.firstCall.args[1]).to.deep.equal({ kid: 'off-curve' });
      expect((onError.firstCall.args[0] as Error).cause, 'the import error, as the cause').to.be.instanceOf(Error);
      expect(server.requests, 'a kid the document names is not a reason to refetch').to.equal(1);
    });
  });

  it('a token without kid is not tried against a candidate refused at import, nor is it an error', async function () {
    server.keys.push({ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA', kid: 'off-curve', alg: 'ES256' });
    const onError = sinon.spy();
    const remote = source({ onError });
    expect((await remote.getKeys('ES256')).map((k) => k.kid)).to.deep.equal(['k0', 'k1', 'k2']);
    expect(onError.firstCall.args[1]).to.deep.equal({ kid: 'off-curve' });
  });

  it('the error event of a refused key names the document it came from and the check it failed', async function () {
    server.keys.push({ ...keyPair('P-256', 'misfit').publicKey.export({ format: 'jwk' }), kid: 'misfit', alg: 'RS256' });
    const onError = sinon.spy();
    expect(await source({ onError, algorithms: ['ES256', 'RS256'] }).getKey('misfit', 'RS256')).to.equal(undefined);
    expect((onError.firstCall.args[0] as Error).message).to.equal(`JWKS ${server.uri}: the key misfit is refused: jwks(${server.uri}).publicKey: RS256 needs an RSA key, got ec`);
  });

  it('a kid the document does not name is not imported: no error event, whatever the refetch finds', async function () {
    const onError = sinon.spy();
    const remote = source({ onError });
    expect(await remote.getKey('nowhere', 'ES256')).to.equal(undefined);
    expect(server.requests, 'the unknown kid refetched once').to.equal(2);
    expect(onError.callCount).to.equal(0);
  });

  it('picks the candidates of a token without kid from the JWK members alone: alg if named, else kty and crv', function () {
    const ec = (crv: string, extra: Record<string, unknown> = {}) => ({ kty: 'EC', crv, kid: crv, ...extra });
    expect(jwkMayVerify(ec('P-256'), 'ES256')).to.equal(true);
    expect(jwkMayVerify(ec('P-384'), 'ES256')).to.equal(false);
    expect(jwkMayVerify(ec('P-384'), 'ES384')).to.equal(true);
    expect(jwkMayVerify(ec('P-521'), 'ES512')).to.equal(true);
    expect(jwkMayVerify(ec('P-256', { alg: 'ES384' }), 'ES256'), 'a named alg wins').to.equal(false);
    expect(jwkMayVerify({ kty: 'RSA', kid: 'r' }, 'PS256')).to.equal(true);
    expect(jwkMayVerify({ kty: 'RSA', kid: 'r', alg: 'RS256' }, 'PS256')).to.equal(false);
    expect(jwkMayVerify({ kty: 'RSA', kid: 'r' }, 'ES256')).to.equal(false);
    expect(jwkMayVerify({ kty: 'OKP', crv: 'Ed25519', kid: 'o' }, 'EdDSA')).to.equal(true);
    expect(jwkMayVerify({ kty: 'OKP', crv: 'Ed25519', kid: 'o' }, 'ES256')).to.equal(false);
    expect(jwkMayVerify({ kty: 'oct', kid: 's' }, 'HS256')).to.equal(false);
    expect(jwkMayVerify(ec('secp256k1'), 'RS256'), 'an EC key of a curve no alg names verifies no RSA alg').to.equal(false);
    expect(jwkMayVerify({ kty: 'EC', kid: 'no-crv' }, 'EdDSA')).to.equal(false);
  });

  describe('keys.jwksMaxKeys', function () {
    it('takes the first jwksMaxKeys keys of a document; an error event names how many were ignored', async function () {
      for (let i = 3; i < 8; i++) server.publish(`k${i}`);
      const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: server.uri, jwksMaxKeys: 5 } });
      const errors: { source: string; error: unknown }[] = [];
      auth.on('error', (e) => errors.push(e));
      for (let i = 0; i < 5; i++) expect((await auth.verify(es256(`k${i}`))).username, `k${i}`).to.equal('alice');
      expect(errors.map((e) => [e.source, (e.error as Error).message])).to.deep.equal([
        ['jwks', `JWKS ${server.uri}: 8 keys published, the first 5 taken, 3 ignored (keys.jwksMaxKeys)`],
      ]);
      for (const kid of ['k5', 'k7']) expect(await rejection(auth.verify(es256(kid))), kid).to.include({ code: 'token_invalid', status: 401 });
      await auth.close();
    });

    it('a document of exactly jwksMaxKeys keys is taken whole, without an error event', async function () {
      for (let i = 3; i < 5; i++) server.publish(`k${i}`, 'k0');
      const onError = sinon.spy();
      const remote = source({ onError, maxKeys: 5 });
      expect((await remote.getKey('k4', 'ES256'))?.kid).to.equal('k4');
      expect(onError.callCount).to.equal(0);
    });

    it('defaults to 100 keys', async function () {
      for (let i = 3; i < 101; i++) server.publish(`k${i}`, 'k0');
      const onError = sinon.spy();
      const remote = source({ onError });
      expect((await remote.getKey('k99', 'ES256'))?.kid).to.equal('k99');
      expect(onError.callCount).to.equal(1);
      expect((onError.firstCall.args[0] as Error).message).to.contain('101 keys published, the first 100 taken, 1 ignored');
    });

    it('is a whole number from 1 to 10,000, else a ConfigError names keys.jwksMaxKeys', async function () {
      for (const jwksMaxKeys of [1, 10_000]) await koaJwt({ keys: { algorithm: 'ES256', jwksUri: server.uri, jwksMaxKeys } }).close();
      for (const jwksMaxKeys of [0, 2.5, '100', 10_001]) {
        let thrown: unknown;
        try {
          koaJwt({ keys: { algorithm: 'ES256', jwksUri: server.uri, jwksMaxKeys } as never });
        } catch (err) {
          thrown = err;
        }
        expect(thrown, String(jwksMaxKeys)).to.include({ code: 'config_invalid', path: 'keys.jwksMaxKeys' });
      }
    });
  });
});
