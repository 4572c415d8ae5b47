import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import sinon from 'sinon';
import { buildApp } from '../helpers/app.js';
import { expectError } from './attack-kit.js';

// Once, `Content-Encoding: gzip` on a plain body answered 500 text/plain, with a stack
// trace in the log on every request (a log flood). Every failure of a token route is the JSON
// contract: a body that cannot be decoded is 400, an encoding we do not speak is 415.

const credentials = JSON.stringify({ username: 'alice', password: 'alice-password' });

describe('attack: a request body whose Content-Encoding lies or is unknown', function () {
  const { app, request } = buildApp();
  let errors: sinon.SinonSpy;

  beforeEach(function () {
    errors = sinon.spy();
    app.on('error', errors);
  });
  afterEach(function () {
    app.off('error', errors);
  });

  // serialize: the bytes go out as they are (superagent would JSON-encode a Buffer).
  const post = (path: string, body: string | Buffer, encoding: string) =>
    request.post(path).set('Content-Type', 'application/json').set('Content-Encoding', encoding).serialize((b: unknown) => b as string).send(body as never);

  for (const path of ['/auth/token', '/auth/token/refresh', '/auth/token/verify']) {
    it(`${path}: gzip on a plain body is 400 invalid_request, JSON, nothing logged`, async function () {
      const res = await post(path, credentials, 'gzip');
      expectError(res, 400, 'invalid_request');
      expect(res.headers['content-type']).to.match(/^application\/json/);
      expect(errors.called, 'app error event (a logged stack trace)').to.equal(false);
    });
  }

  it('deflate or br on a plain body is 400 invalid_request', async function () {
    for (const encoding of ['deflate', 'br']) expectError(await post('/auth/token', credentials, encoding), 400, 'invalid_request');
    expect(errors.called).to.equal(false);
  });

  it('a truncated gzip body is 400 invalid_request', async function () {
    expectError(await post('/auth/token', gzipSync(credentials).subarray(0, 12), 'gzip'), 400, 'invalid_request');
  });

  it('an unknown or stacked encoding (x-evil, "gzip, gzip") is 415 unsupported_media_type', async function () {
    for (const encoding of ['x-evil', 'gzip, gzip']) {
      expectError(await post('/auth/token', credentials, encoding), 415, 'unsupported_media_type');
    }
    expect(errors.called).to.equal(false);
  });

  it('a gzip bomb (16 MB of zeros in 16 KB) is 413, not a 500 or an exhausted process', async function () {
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x20));
    expect(bomb.length).to.be.below(32 * 1024);
    // 413 and nothing else: the 16 kB limit counts decoded bytes. A 400 would mean the 16 MB were
    // inflated and then refused as JSON (what a raised limit answers).
    expectError(await post('/auth/token', bomb, 'gzip'), 413, 'payload_too_large');
    expect(errors.called).to.equal(false);
  });

  it('a real gzip body is read (the control)', async function () {
    const res = await post('/auth/token', gzipSync(credentials), 'gzip');
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });
});
