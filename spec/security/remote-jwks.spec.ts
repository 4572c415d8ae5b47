import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import { KeySourceUnavailableError } from '../../lib/errors.js';
import { usableKeys } from '../../lib/keyring/jwks-fetch.js';
import { createRemoteKeySource, MAX_KIDLESS_CANDIDATES } from '../../lib/keyring/remote.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { configErrorOf } from '../helpers/config.js';
import { keyPair } from '../helpers/keys.js';
import { type Listening, listen } from '../helpers/listen.js';
import { claims, forge } from './attack-kit.js';
import { internalsOf } from '../../lib/internals.js';

// A misbehaving issuer of keys.jwksUri, on a real HTTP server on 127.0.0.1: a 600 MB
// JWKS crashed the verifier (no size cap); a JWKS dripping one byte every 3 s hung every request
// (jwks-rsa's timeout is reset by each byte); a kid-less token was tried against every remote key;
// remote keys skipped the alg/use/key_ops checks; an http:// URL was taken silently. docs/security.md,
// "Remote JWKS": bounded size, a total deadline, remote keys checked as local keys are.

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

/** A JWKS server whose behaviour a spec swaps at will; it counts requests and open responses. */
class Issuer {
  requests = 0;
  open = 0;
  behaviour: Behaviour = (_req, res) => this.serve(res, { keys: [] });
  listening!: Listening;
  get uri() { return `${this.listening.origin}/.well-known/jwks.json`; }
  async start() {
    this.listening = await listen((req, res) => {
      this.requests++;
      this.open++;
      res.on('close', () => this.open--);
      this.behaviour(req, res);
    });
    return this;
  }
  serve(res: ServerResponse, document: unknown) {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(document));
  }
}

const ES = keyPair('P-256', 'remote-issuer');
const esJwk = (kid: string, extra: Record<string, unknown> = {}) => ({ ...ES.publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig', ...extra });
const signed = (kid: string | undefined) => forge({ alg: 'ES256', ...(kid ? { kid } : {}) }, claims(), { key: ES.privateKey, alg: 'ES256' });

const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (err: unknown) => err);

describe('attack: a misbehaving remote JWKS (keys.jwksUri)', function () {
  let issuer: Issuer;
  let t: number;
  const now = () => t;

  beforeEach(async function () {
    t = 1_000_000;
    issuer = await new Issuer().start();
  });
  afterEach(() => issuer.listening.close());

  describe('an issuer that has never served keys (an outage at start-up)', function () {
    // 500, an HTML page, a redirect, a 404 in turn: none is a JWKS. Before the rate limit held
    // without a first copy, 23,527 requests with random kids made 23,527 fetches in 30 s.
    const broken: Behaviour[] = [
      (_req, res) => { res.statusCode = 500; res.end('down'); },
      (_req, res) => { res.setHeader('content-type', 'text/html'); res.end('<html>maintenance</html>'); },
      (_req, res) => { res.statusCode = 302; res.setHeader('location', '/login'); res.end(); },
      (_req, res) => { res.statusCode = 404; res.end('not found'); },
    ];
    const randomKid = () => randomBytes(8).toString('hex');
    beforeEach(function () {
      let turn = 0;
      issuer.behaviour = (req, res) => broken[turn++ % broken.length]!(req, res);
    });

    it('random kids cost the burst of 2 fetches, then one every 6 s (10 a minute); each answer is 503 with Retry-After', async function () {
      const remote = createRemoteKeySource({ jwksUri: issuer.uri, algorithms: ['ES256'], now, requestsPerMinute: 10 });
      const answers: unknown[] = [];
      for (let i = 0; i < 40; i++) answers.push(await rejection(remote.getKey(randomKid(), 'ES256')));
      expect(issuer.requests).to.equal(2);
      for (const err of answers) expect(err).to.be.instanceOf(KeySourceUnavailableError).and.to.have.property('status', 503);
      expect(answers.slice(2).map((err) => (err as KeySourceUnavailableError).retryAfter), 'until the bucket holds a fetch').to.deep.equal(Array(38).fill(6));
      expect(((answers[39] as Error).cause as Error).message, 'the cause is the last failure: the HTML page').to.match(/^JWKS .*JSON/);
      // A simulated minute of the flood, 40 kids a second: ten more fetches.
      for (let s = 0; s < 60; s++) {
        t += 1000;
        await Promise.all(Array.from({ length: 40 }, () => rejection(remote.getKey(randomKid(), 'ES256'))));
      }
      expect(issuer.requests, 'at most 10 more').to.be.at.most(12);
      expect(issuer.requests, 'the control: the bucket does refill').to.be.at.least(10);
    });

    it('once the issuer serves keys again, the next fetch the bucket allows finds them', async function () {
      const remote = createRemoteKeySource({ jwksUri: issuer.uri, algorithms: ['ES256'], now });
      for (let i = 0; i < 3; i++) await rejection(remote.getKey('k1', 'ES256'));
      issuer.behaviour = (_req, res) => issuer.serve(res, { keys: [esJwk('k1')] });
      expect(await rejection(remote.getKey('k1', 'ES256'))).to.include({ retryAfter: 6 });
      t += 6000;
      expect((await remote.getKey('k1', 'ES256'))?.kid).to.equal('k1');
      expect(issuer.requests).to.equal(3);
    });

    it('a request that comes while the last fetch the bucket allowed is running waits for it, rather than a 503', async function () {
      const remote = createRemoteKeySource({ jwksUri: issuer.uri, algorithms: ['ES256'], now });
      expect(await rejection(remote.getKey('k1', 'ES256'))).to.be.instanceOf(KeySourceUnavailableError);
      issuer.behaviour = (_req, res) => issuer.serve(res, { keys: [esJwk('k1'), esJwk('k2')] });
      // The second fetch empties the bucket; the third ask comes while it runs.
      const asks = [remote.getKey('k1', 'ES256'), remote.getKey('k2', 'ES256')];
      expect((await Promise.all(asks)).map((k) => k?.kid)).to.deep.equal(['k1', 'k2']);
      expect(issuer.requests).to.equal(2);
    });

    it('over HTTP: every request answers 503 temporarily_unavailable with Retry-After, and the fetches stay within the burst', async function () {
      const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: issuer.uri } });
      const app = new Koa();
      app.silent = true;
      app.use(auth);
      app.use((ctx) => { ctx.body = 'ok'; });
      const started = performance.now();
      for (let i = 0; i < 20; i++) {
        const res = await supertest(app.callback()).get('/').set('Authorization', `Bearer ${signed(randomKid())}`).expect(503);
        expect(res.body.error).to.equal('temporarily_unavailable');
        expect(Number(res.headers['retry-after'])).to.be.within(1, 6);
      }
      // 2, and one more for each 6 s this spec took (10 a minute).
      expect(issuer.requests).to.be.at.most(2 + Math.floor((performance.now() - started) / 6000));
      await auth.close();
    });
  });

  describe('a huge JWKS', function () {
    it('an endless body is cut at the byte cap: 503, and far less than the body is read', async function () {
      const total = 64 * 1024 * 1024;
      let sent = 0;
      let cut!: () => void;
      const cutOff = new Promise<void>((resolve) => { cut = resolve; });
      issuer.behaviour = (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.write('{"keys":[');
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          let flowing = true;
          while (flowing && sent < total && !res.destroyed) {
            sent += chunk.length;
            flowing = res.write(chunk);
          }
          if (sent < total && !res.destroyed) res.once('drain', pump);
          else if (sent >= total) res.end(']}');
        };
        res.on('close', cut);
        pump();
      };
      const remote = createRemoteKeySource({ jwksUri: issuer.uri, algorithms: ['ES256'], now, maxBytes: 256 * 1024 });
      expect(await rejection(remote.getKey('k1', 'ES256'))).to.be.instanceOf(KeySourceUnavailableError);
      await cutOff;
      expect(sent, 'the issuer was cut off long before 64 MB').to.be.below(total / 8);
    });

    it('a Content-Length over the cap is refused before any of the body is read', async function () {
      issuer.behaviour = (_req, res) => {
        res.setHeader('content-length', String(600 * 1024 * 1024));
        res.write('{"keys":[');
      };
      // A deadline longer than the spec's own: only the declared length can end this fetch.
      const remote = createRemoteKeySource({ jwksUri: issuer.uri, algorithms: ['ES256'], now, timeout: 60_000 });
      expect(await rejection(remote.getKey('k1', 'ES256'))).to.be.instanceOf(KeySourceUnavailableError);
    });
  });

  describe('a dripping JWKS (one byte now and then, never the end)', function () {
    const drip: Behaviour = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.write('{');
      const timer = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(timer));
    };

    it('the first fetch ends at the total deadline with 503, although bytes keep coming', async function () {
      issuer.behaviour = drip;
      const remote = createRemoteKeySource({ jwksUri: issuer.uri, algorithms: ['ES256'], now, timeout: 300 });
      expect(await rejection(remote.getKey('k1', 'ES256'))).to.be.instanceOf(KeySourceUnavailableError);
    });

    it('a known kid keeps verifying from the last good copy while the refetch drips', async function () {
      issuer.behaviour = (_req, res) => issuer.serve(res, { keys: [esJwk('k1')] });
      const remote = createRemoteKeySource({ jwksUri: issuer.uri, algorithms: ['ES256'], now, cacheMaxAge: 60_000, timeout: 60_000 });
      expect((await remote.getKey('k1', 'ES256'))?.kid).to.equal('k1');
      issuer.behaviour = drip;
      t += 120_000; // the copy is stale: a refetch starts, and drips
      const seen = new Promise<void>((resolve) => issuer.listening.server.once('request', () => resolve()));
      expect((await remote.getKey('k1', 'ES256'))?.kid).to.equal('k1');
      await seen;
      expect(issuer.open, 'answered while the dripping refetch is still open').to.equal(1);
      expect((await remote.getKey('k1', 'ES256'))?.kid).to.equal('k1');
      remote.close?.();
    });
  });

  describe('an issuer publishing many keys', function () {
    const many = Array.from({ length: 2000 }, (_, i) => esJwk(`k${i}`));

    it('a token without kid is refused (401), not tried against 2,000 keys', async function () {
      issuer.behaviour = (_req, res) => issuer.serve(res, { keys: many });
      const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: issuer.uri, jwksMaxKeys: 2000 } });
      const err = await rejection(auth.verify(signed(undefined)));
      expect(err).to.have.property('code', 'token_invalid');
      expect((err as Error).message).to.match(/a kid is required/);
      expect((await auth.verify(signed('k1999'))).username, 'a token with a kid verifies').to.equal('alice');
      await auth.close();
    });

    it(`a token without kid still verifies when the issuer publishes at most ${MAX_KIDLESS_CANDIDATES} keys`, async function () {
      issuer.behaviour = (_req, res) => issuer.serve(res, { keys: many.slice(0, MAX_KIDLESS_CANDIDATES) });
      const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: issuer.uri } });
      expect((await auth.verify(signed(undefined))).username).to.equal('alice');
      await auth.close();
    });
  });

  describe('remote keys get the checks configured keys get', function () {
    const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const hsSecret = createSecretKey(Buffer.from('Y-7gD2AmB6a2XAUgjJIOskyVL3Eerpwbz62ly2_Qrdg'));
    const refused: Record<string, Record<string, unknown>> = {
      'use "enc"': esJwk('enc', { use: 'enc' }),
      'key_ops without verify': esJwk('ops', { key_ops: ['encrypt'] }),
      'a JWE alg (ECDH-ES)': esJwk('jwe', { alg: 'ECDH-ES' }),
      'an alg that does not fit the key (RS256 on an EC key)': esJwk('misfit', { alg: 'RS256' }),
      'a private member d': { ...ES.privateKey.export({ format: 'jwk' }), kid: 'private', alg: 'ES256' },
      'a secret (kty oct)': { ...hsSecret.export({ format: 'jwk' }), kid: 'oct', alg: 'HS256' },
      'an RSA key of 1024 bits': { ...weakRsa.publicKey.export({ format: 'jwk' }), kid: 'rsa1024', alg: 'RS256' },
    };

    it('secrets and private keys are dropped from the document before any key is imported', function () {
      const kept = usableKeys({ keys: [refused['a secret (kty oct)'], refused['a private member d'], esJwk('good')] }).keys;
      expect(kept.map((k) => k.kid)).to.deep.equal(['good']);
    });

    for (const [name, jwk] of Object.entries(refused)) {
      it(`a published key with ${name} verifies nothing (401 token_invalid)`, async function () {
        issuer.behaviour = (_req, res) => issuer.serve(res, { keys: [jwk, esJwk('good')] });
        const auth = koaJwt({ keys: { algorithm: ['ES256', 'RS256', 'HS256'], jwksUri: issuer.uri } });
        const kid = jwk.kid as string;
        const token = jwk.kty === 'oct' ? forge({ alg: 'HS256', kid }, claims(), { hmac: hsSecret })
          : jwk.kty === 'RSA' ? forge({ alg: 'RS256', kid }, claims(), { key: weakRsa.privateKey, alg: 'RS256' })
            : signed(kid);
        expect(await rejection(auth.verify(token))).to.have.property('code', 'token_invalid');
        expect((await auth.verify(signed('good'))).username, 'the good key beside it verifies').to.equal('alice');
        await auth.close();
      });
    }
  });

  describe('an http:// JWKS', function () {
    it('is refused at start-up for another host', function () {
      const err = configErrorOf({ keys: { algorithm: 'ES256', jwksUri: 'http://issuer.example/.well-known/jwks.json' } });
      expect(err.path).to.equal('keys.jwksUri');
      expect(err.message).to.match(/https/);
    });

    it('is taken with keys.jwksAllowHttp: true, or for this machine (localhost, 127.0.0.1, [::1])', async function () {
      for (const jwksUri of ['http://issuer.internal/jwks.json', 'http://localhost:3000/jwks.json', 'http://127.0.0.1:3000/jwks.json', 'http://[::1]:3000/jwks.json']) {
        const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri, jwksAllowHttp: jwksUri.includes('internal') } });
        expect(internalsOf(auth).keyring.remote, jwksUri).to.not.equal(undefined);
        await auth.close();
      }
    });

    it('an https:// JWKS is taken (the control)', async function () {
      const auth = koaJwt({ keys: { algorithm: 'ES256', jwksUri: 'https://issuer.example/.well-known/jwks.json' } });
      expect(internalsOf(auth).keyring.remote).to.not.equal(undefined);
      await auth.close();
    });
  });
});
