import { expect } from 'chai';
import * as lib from '../lib/index.js';
import { ERROR_ANSWERS, KoaJwtError, type KoaJwtErrorCode } from '../lib/errors.js';
import { answerOf } from '../lib/middleware/error-answer.js';

// One table from code to answer: every error class takes its status, challenge and Retry-After
// from it, and every code in it belongs to a class.

type ErrorClass = (new (...args: never[]) => KoaJwtError) & { name: string };
const classes = (Object.values(lib) as unknown[]).filter((value): value is ErrorClass =>
  typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof KoaJwtError);

// One instance of every concrete class (constructors take a message first, some a second argument).
const instances = classes
  .filter((Class) => !['TokenError'].includes(Class.name))
  .map((Class) => (Class.name === 'ConfigError'
    ? new (Class as unknown as new (path: string, reason: string) => KoaJwtError)('keys.secret', 'too short')
    : new (Class as unknown as new (message: string, extra?: unknown) => KoaJwtError)('m', Class.name === 'MethodNotAllowedError' ? ['GET'] : undefined)));

// The codes, written out: the table's keys are exactly these (at run time), and so is the union
// KoaJwtErrorCode (at type-check time). A code added to the table is added here too.
const CODES = [
  'config_invalid', 'key_invalid', 'key_not_found', 'credentials_required', 'credentials_bad_format', 'invalid_credentials',
  'token_expired', 'token_not_yet_valid', 'token_invalid', 'token_revoked', 'token_reused', 'refresh_expired',
  'user_not_found', 'account_disabled', 'invalid_request', 'refresh_not_allowed', 'forbidden', 'not_available',
  'method_not_allowed', 'payload_too_large', 'unsupported_media_type', 'throttled', 'temporarily_unavailable',
] as const;

/** true when A and B are the same type (not merely assignable one way): a union missing or adding a member is false. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

describe('errors', () => {
  it('exports a class for every code of the table, and no class has a code outside it', () => {
    const codes = new Set(instances.map((e) => e.code));
    expect([...codes].sort()).to.deep.equal(Object.keys(ERROR_ANSWERS).sort());
  });

  it('gives every class the status of its code in the table, and a doc-able name', () => {
    for (const error of instances) {
      expect(error.status, error.name).to.equal(ERROR_ANSWERS[error.code].status);
      expect(error.name).to.equal(error.constructor.name);
      expect(error.expose).to.equal(true);
    }
  });

  it('answers 400 for user_not_found and account_disabled when the request named the user (impersonate)', () => {
    expect(new lib.UserNotFoundError('x').status).to.equal(401);
    expect(new lib.UserNotFoundError('x', { inRequest: true }).status).to.equal(400);
    expect(new lib.AccountDisabledError('x').status).to.equal(401);
    expect(new lib.AccountDisabledError('x', { inRequest: true }).status).to.equal(400);
  });

  it('carries the JSON contract body, with extra members such as fields', () => {
    const error = new lib.InvalidRequestError('Missing field: username.', { username: 'This field is required.' });
    expect(error.body).to.deep.equal({ error: 'invalid_request', error_description: 'Missing field: username.', fields: { username: 'This field is required.' } });
  });

  describe('headers for an answer', () => {
    it('challenges a 401 with the configured scheme, with error="invalid_token" when a token was presented', () => {
      expect(answerOf(new lib.TokenExpiredError(), 'JWT').headers).to.deep.equal({
        'WWW-Authenticate': 'JWT realm="api", error="invalid_token", error_description="The token has expired."',
      });
      expect(answerOf(new lib.CredentialsRequiredError('none'), 'Bearer').headers).to.deep.equal({ 'WWW-Authenticate': 'Bearer realm="api"' });
      expect(answerOf(new lib.CredentialsBadFormatError('bad'), 'Bearer').headers['WWW-Authenticate']).to.match(/^Bearer realm="api", error="invalid_request"/);
    });

    it('quotes only visible ASCII in the challenge (attacker bytes cannot break the header)', () => {
      const header = answerOf(new lib.TokenInvalidError('bad "x"\n\u0000é'), 'Bearer').headers['WWW-Authenticate']!;
      expect(header).to.match(/^[\x20-\x7e]+$/);
      expect(header).to.include("error_description=\"bad 'x'");
    });

    it('adds Retry-After to a 503: the default of the code, or the failure\'s own', () => {
      expect(answerOf(new lib.StoreUnavailableError(), 'Bearer').headers).to.deep.equal({ 'Retry-After': '1' });
      expect(answerOf(new lib.StoreUnavailableError('x', { retryAfter: 7 }), 'Bearer').headers).to.deep.equal({ 'Retry-After': '7' });
      expect(answerOf(new lib.KeySourceUnavailableError(), 'Bearer').headers).to.deep.equal({ 'Retry-After': '5' });
    });

    it('adds no challenge to other statuses', () => {
      expect(answerOf(new lib.ForbiddenError('no'), 'Bearer').headers).to.deep.equal({});
      expect(answerOf(new lib.MethodNotAllowedError('no', ['GET', 'HEAD']), 'Bearer').headers).to.deep.equal({ Allow: 'GET, HEAD' });
    });
  });

  it('types KoaJwtErrorCode as the union of the table', () => {
    // Checked by tsc, which `npm test` runs over spec/: this line does not compile when
    // KoaJwtErrorCode and CODES differ by one code, or when the type widens to string.
    const sameUnion: Equal<(typeof CODES)[number], KoaJwtErrorCode> = true;
    expect(sameUnion).to.equal(true);
    expect(Object.keys(ERROR_ANSWERS).sort()).to.deep.equal([...CODES].sort());
  });
});
