import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { KeySourceUnavailableError } from '../../lib/errors.js';
import { createRemoteKeySource, MAX_KIDLESS_CANDIDATES, type RemoteKeySourceOptions } from '../../lib/keyring/remote.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { JwksServer } from '../helpers/jwks-server.js';
import { keyPair } from '../helpers/keys.js';
import { listen } from '../helpers/listen.js';
import { claims, forge } from '../security/attack-kit.js';

// The edges of the remote JWKS (lib/keyring/remote.ts, jwks-fetch.ts) that a mutation run found
// no spec for: the status of the answer, an empty JWKS, the byte cap at its boundary, freshness,
// close(), the burst of the rate limit, and a remote key's own alg (RFC 7517 §4.4).

const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (err: unknown) => err);

/** The message of the cause of a 503: what the operator reads in the log. */
const causeOf = (err: unknown): string => {
  expect(err).to.be.instanceOf(KeySourceUnavailableError);
  return ((err as Error).cause as Error | undefined)?.message ?? '(no cause)';
};

/**
 * Lets a fetch that was started (in the background) reach the server: a loopback request needs
 * a few turns of the event loop. Used to show that nothing was fetched.
 */
const settle = async () => {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
};

const es256 = (kid: string) => forge({ alg: 'ES256', kid }, claims(), { key: keyPair('P-256', kid).privateKey, alg: 'ES256' });

describe('remote key source: edges (keys.jwksUri)', function () {
  let server: JwksServer;
  let t: number;
  const now = () => t;
  const source = (options: Partial<RemoteKeySourceOptions> = {}) =>
    createRemoteKeySource({ jwksUri: server.uri, algorithms: ['ES256'], now, ...options });

  beforeEach(async function () {
    t = 1_000_000;
    server = await new JwksServer().start();
    server.publish('k1');
  });
  afterEach(() => server.listening.close());

  describe('an answer that is not a JWKS: 503, and the cause says why', function () {
    for (const status of [404, 500, 201]) {
      it(`a ${status} is not taken as keys, though its body is a valid JWKS`, async function () {
        server.status = status;
        const err = await rejection(source().getKey('k1', 'ES256'));
        expect(causeOf(err)).to.equal(`JWKS ${server.uri}: answered ${status}`);
      });
    }

    it('a body that is not JSON', async function () {
      server.respond = (res) => res.end('<html>sign in</html>');
      const cause = causeOf(await rejection(source().getKey('k1', 'ES256')));
      expect(cause).to.match(/JSON/);
      expect(cause.startsWith(`JWKS ${server.uri}: `), cause).to.equal(true);
    });

    it('JSON without a "keys" array', async function () {
      server.respond = (res) => res.end('{"key":[]}');
      expect(causeOf(await rejection(source().getKey('k1', 'ES256')))).to.equal(`JWKS ${server.uri}: not a JWKS (no "keys" array)`);
    });

    it('a refused connection fails at once, not at the deadline', async function () {
      const gone = await listen(() => undefined);
      await gone.close();
      const jwksUri = `${gone.origin}/.well-known/jwks.json`;
      const err = await rejection(createRemoteKeySource({ jwksUri, algorithms: ['ES256'], now, timeout: 1500 }).getKey('k1', 'ES256'));
      expect(causeOf(err)).to.match(new RegExp(`^JWKS ${jwksUri}: .*ECONNREFUSED`));
    });

    it('a body cut off half-way', async function () {
      server.respond = (res) => {
        res.setHeader('content-length', '1000');
        res.write('{"keys":[', () => res.socket?.destroy());
      };
      expect(causeOf(await rejection(source({ timeout: 1500 }).getKey('k1', 'ES256')))).to.equal(`JWKS ${server.uri}: aborted`);
    });

    it('no answer within the deadline', async function () {
      server.respond = () => undefined;
      expect(causeOf(await rejection(source({ timeout: 100 }).getKey('k1', 'ES256')))).to.equal(`JWKS ${server.uri}: no complete answer within 100 ms`);
    });

    it('an outage is a 503 even when its message reads like an empty JWKS', async function () {
      server.failing = true;
      const jwksUri = `${server.listening.origin}/the JWKS did not contain any keys`;
      const err = await rejection(createRemoteKeySource({ jwksUri, algorithms: ['ES256'], now }).getKey('k1', 'ES256'));
      expect(causeOf(err)).to.equal(`JWKS ${jwksUri}: answered 500`);
    });
  });

  describe('a JWKS without any usable signing key is an empty set: a token with a kid is 401, not 503', function () {
    const empty: Record<string, unknown[]> = {
      'no keys at all': [],
      'only entries that are dropped (null, a string, use "enc")': [null, 'k1', 42, { ...keyPair('P-256', 'k1').publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'enc' }],
      'only keys that cannot be imported (not a point of P-256)': [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA', kid: 'k1', alg: 'ES256' }],
    };
    for (const [name, keys] of Object.entries(empty)) {
      it(name, async function () {
        server.keys = keys as Record<string, unknown>[];
        expect(await source().getKey('k1', 'ES256')).to.equal(undefined);
        const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: server.uri } });
        const err = await rejection(auth.verify(es256('k1')));
        expect(err).to.include({ code: 'token_invalid', status: 401 });
        await auth.close();
      });
    }

    it('entries that are not objects are dropped, and the key beside them verifies', async function () {
      server.keys.unshift(null as unknown as Record<string, unknown>, 'k1' as unknown as Record<string, unknown>);
      expect((await source().getKey('k1', 'ES256'))?.kid).to.equal('k1');
    });
  });

  describe('the byte cap, at its boundary', function () {
    const maxBytes = 2048;
    /** The JWKS, padded with JSON whitespace to exactly `size` bytes. */
    const jwksOfSize = (size: number) => {
      const json = JSON.stringify({ keys: server.keys });
      expect(json.length).to.be.below(size);
      return json + ' '.repeat(size - json.length);
    };

    it('a body (chunked, no Content-Length) of exactly maxBytes is read; one byte more is refused', async function () {
      server.respond = (res) => { res.write(jwksOfSize(maxBytes)); res.end(); };
      expect((await source({ maxBytes }).getKey('k1', 'ES256'))?.kid).to.equal('k1');
      server.respond = (res) => { res.write(jwksOfSize(maxBytes + 1)); res.end(); };
      expect(causeOf(await rejection(source({ maxBytes }).getKey('k1', 'ES256')))).to.equal(`JWKS ${server.uri}: is larger than ${maxBytes} bytes`);
    });

    it('a Content-Length of exactly maxBytes is read; one byte more is refused before the body', async function () {
      server.respond = (res) => { res.setHeader('content-length', String(maxBytes)); res.end(jwksOfSize(maxBytes)); };
      expect((await source({ maxBytes }).getKey('k1', 'ES256'))?.kid).to.equal('k1');
      // Declared, and never sent: with a deadline longer than the spec's, only the declared length ends this fetch.
      server.respond = (res) => { res.setHeader('content-length', String(maxBytes + 1)); res.write('{"keys":['); };
      const err = await rejection(source({ maxBytes, timeout: 60_000 }).getKey('k1', 'ES256'));
      expect(causeOf(err)).to.equal(`JWKS ${server.uri}: declares ${maxBytes + 1} bytes, more than ${maxBytes}`);
    });
  });

  describe('freshness, the burst, close()', function () {
    it('within cacheMaxAge a known kid makes no fetch, not even in the background', async function () {
      const remote = source({ cacheMaxAge: 60_000 });
      await remote.getKey('k1', 'ES256');
      t += 59_999;
      for (let i = 0; i < 5; i++) expect((await remote.getKey('k1', 'ES256'))?.kid).to.equal('k1');
      await settle();
      expect(server.requests).to.equal(1);
    });

    it('a copy that stays stale is refetched within the rate limit, not on every request', async function () {
      const remote = source({ cacheMaxAge: 1, requestsPerMinute: 10 });
      await remote.getKey('k1', 'ES256');
      for (let i = 0; i < 10; i++) {
        t += 1; // stale at once; the bucket refills by 1/6000 a step
        expect((await remote.getKey('k1', 'ES256'))?.kid).to.equal('k1');
        await settle();
      }
      expect(server.requests, 'the first fetch, and one refetch from the burst').to.equal(2);
    });

    it('a key published right after the first fetch is found at once, by every concurrent ask (burst of 2)', async function () {
      const remote = source();
      await remote.getKey('k1', 'ES256');
      server.publish('k2'); // no time passes: one fetch is left in the bucket
      const found = await Promise.all([1, 2, 3].map(() => remote.getKey('k2', 'ES256')));
      expect(found.map((k) => k?.kid)).to.deep.equal(['k2', 'k2', 'k2']);
      expect(server.requests).to.equal(2);
    });

    it('after close() nothing is fetched: a kid that needs a fetch is refused with KeySourceUnavailableError', async function () {
      const unused = source();
      unused.close?.();
      const err = await rejection(unused.getKey('k1', 'ES256'));
      expect(err).to.be.instanceOf(KeySourceUnavailableError);
      expect((err as Error).message).to.equal('The remote key source is closed.');

      const remote = source({ cacheMaxAge: 60_000 });
      await remote.getKey('k1', 'ES256');
      remote.close?.();
      t += 120_000;
      await remote.getKey('k1', 'ES256'); // stale: a refetch would start here
      expect(await rejection(remote.getKey('k2', 'ES256'))).to.be.instanceOf(KeySourceUnavailableError);
      await settle();
      expect(server.requests).to.equal(1);
    });
  });

  describe('remote keys', function () {
    const RSA = keyPair('rsa', 'remote-edges');
    const rsaJwk = (kid: string, extra: Record<string, unknown> = {}) => ({ ...RSA.publicKey.export({ format: 'jwk' }), kid, use: 'sig', ...extra });
    const rsaToken = (kid: string | undefined, alg: string) => forge({ alg, ...(kid ? { kid } : {}) }, claims(), { key: RSA.privateKey, alg });

    it('are active, and verify the alg their JWK names', async function () {
      const key = await source().getKey('k1', 'ES256');
      expect(key).to.include({ kid: 'k1', alg: 'ES256', state: 'active' });
      expect(key?.algorithms).to.deep.equal(['ES256']);
    });

    it('a JWK with "alg": "RS256" verifies RS256 only, not PS256 or RS384 though they are configured (RFC 7517 §4.4)', async function () {
      server.keys = [rsaJwk('rs', { alg: 'RS256' })];
      const auth = koaJwt({ keys: { algorithm: ['RS256', 'PS256', 'RS384'], jwksUri: server.uri } });
      expect((await auth.verify(rsaToken('rs', 'RS256'))).username).to.equal('alice');
      for (const alg of ['PS256', 'RS384']) {
        expect(await rejection(auth.verify(rsaToken('rs', alg))), alg).to.include({ code: 'token_invalid', status: 401 });
      }
      await auth.close();
    });

    it('a JWK whose key_ops allow "verify" (and "use": "sig") is taken', async function () {
      server.keys = [rsaJwk('ops', { alg: 'RS256', key_ops: ['verify'] })];
      expect((await source({ algorithms: ['RS256'] }).getKey('ops', 'RS256'))?.kid).to.equal('ops');
    });

    it('a JWK without alg verifies every configured algorithm of its type', async function () {
      server.keys = [rsaJwk('rs')];
      const auth = koaJwt({ keys: { algorithm: ['RS256', 'PS256'], jwksUri: server.uri } });
      for (const alg of ['RS256', 'PS256']) expect((await auth.verify(rsaToken('rs', alg))).username, alg).to.equal('alice');
      await auth.close();
    });

    it(`a token without kid is tried against the keys of its alg only: ${MAX_KIDLESS_CANDIDATES} ES256 keys do not crowd out an RS256 one`, async function () {
      for (let i = 2; i <= MAX_KIDLESS_CANDIDATES; i++) server.publish(`k${i}`);
      server.keys.push(rsaJwk('rs', { alg: 'RS256' }));
      const remote = source({ algorithms: ['ES256', 'RS256'] });
      expect((await remote.getKeys('RS256')).map((k) => k.kid)).to.deep.equal(['rs']);
      expect(await remote.getKeys('ES256')).to.have.length(MAX_KIDLESS_CANDIDATES);
      const auth = koaJwt({ keys: { algorithm: ['ES256', 'RS256'], jwksUri: server.uri } });
      expect((await auth.verify(rsaToken(undefined, 'RS256'))).username).to.equal('alice');
      await auth.close();
    });
  });

  describe('the request', function () {
    it('asks for JSON', async function () {
      await source().getKey('k1', 'ES256');
      expect(server.accepts).to.deep.equal(['application/json']);
    });

    it('an https:// jwksUri is fetched over TLS', async function () {
      // A bare TCP server: the first byte a TLS client sends is 0x16, a handshake record.
      const firstBytes: number[] = [];
      const tcp = createServer((socket) => socket.once('data', (data: Buffer) => { firstBytes.push(data[0]!); socket.destroy(); }));
      await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
      const { port } = tcp.address() as AddressInfo;
      try {
        const remote = createRemoteKeySource({ jwksUri: `https://127.0.0.1:${port}/.well-known/jwks.json`, algorithms: ['ES256'], now, timeout: 1500 });
        expect(await rejection(remote.getKey('k1', 'ES256'))).to.be.instanceOf(KeySourceUnavailableError);
        expect(firstBytes).to.deep.equal([0x16]);
      } finally {
        await new Promise((resolve) => tcp.close(resolve));
      }
    });
  });
});
