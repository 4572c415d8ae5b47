import { expect } from 'chai';
import * as lib from '../lib/index.js';
import { ERROR_ANSWERS, KoaJwtError, type KoaJwtErrorCode } from '../lib/errors.js';
import { answerOf } from '../lib/middleware/error-answer.js';
import { koaJwt } from '../lib/koa-jwt.js';
import { testConfig } from './helpers/app.js';
import { nowSeconds } from './helpers/tokens.js';
import { claims, forge } from './security/attack-kit.js';

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

/** true when T is a union of two or more members. */
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;
type Lib = typeof lib;
/** The names of the exported error classes, abstract ones included. */
type ErrorClassName = { [K in keyof Lib]: Lib[K] extends abstract new (...args: never) => KoaJwtError ? K : never }[keyof Lib];
/** The exported error classes whose `code` is typed as more than one code. */
type ClassesOfSeveralCodes = { [K in ErrorClassName]: true extends IsUnion<InstanceType<Lib[K]>['code']> ? K : never }[ErrorClassName];

// The code of each exported class that has one (KoaJwtError and TokenError group codes: their
// instances, built here only to read the field, have none).
const codeOf = new Map<ErrorClass, KoaJwtErrorCode>(instances.map((error) => [error.constructor as ErrorClass, error.code]));
const isSubclass = (Sub: ErrorClass, Base: ErrorClass) => Sub.prototype instanceof Base;

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

  describe('one class per code', () => {
    // `switch (err.code)` and `instanceof` agree: each code has one class, and a finer class for
    // the same code (StoreUnavailableError, CsrfTokenError) is a subclass of it.
    const classesWith = (code: KoaJwtErrorCode) => classes.filter((Class) => codeOf.get(Class) === code);

    it('has, for every code, exactly one class that every other class of the code extends', () => {
      for (const code of CODES) {
        const withCode = classesWith(code);
        const classOfCode = withCode.filter((Class) => withCode.every((Other) => Other === Class || isSubclass(Other, Class)));
        expect(classOfCode.map((Class) => Class.name), `the class of ${code} among ${withCode.map((Class) => Class.name).join(', ')}`).to.have.lengthOf(1);
      }
    });

    it('names the class of each code, and its refinements', () => {
      const classOf = (code: KoaJwtErrorCode) => classesWith(code).find((Class) => !classesWith(code).some((Other) => isSubclass(Class, Other)))!;
      expect(classOf('temporarily_unavailable')).to.equal(lib.TemporarilyUnavailableError);
      expect(classesWith('temporarily_unavailable').filter((Class) => Class !== lib.TemporarilyUnavailableError)).to.have.members([
        lib.StoreUnavailableError, lib.KeySourceUnavailableError, lib.SigningKeyUnavailableError,
      ]);
      expect(classOf('forbidden')).to.equal(lib.ForbiddenError);
      expect(classesWith('forbidden').filter((Class) => Class !== lib.ForbiddenError)).to.have.members([lib.CrossSiteRequestError, lib.CsrfTokenError]);
      for (const code of CODES.filter((c) => c !== 'temporarily_unavailable' && c !== 'forbidden')) expect(classesWith(code), code).to.have.lengthOf(1);
    });

    it('never lets a class carry two codes: a subclass keeps the code of its base', () => {
      for (const [Base, code] of codeOf) {
        for (const Sub of classes.filter((Class) => isSubclass(Class, Base))) expect(codeOf.get(Sub), `${Sub.name} extends ${Base.name}`).to.equal(code);
      }
      // Checked by tsc: only the two groupings type `code` as several codes.
      const grouping: Equal<ClassesOfSeveralCodes, 'KoaJwtError' | 'TokenError'> = true;
      expect(grouping).to.equal(true);
    });

    it('makes every error with the code temporarily_unavailable a TemporarilyUnavailableError', () => {
      for (const error of instances.filter((e) => e.code === 'temporarily_unavailable')) expect(error, error.name).to.be.instanceOf(lib.TemporarilyUnavailableError);
      for (const error of instances.filter((e) => e.code !== 'temporarily_unavailable')) expect(error, error.name).not.to.be.instanceOf(lib.TemporarilyUnavailableError);
    });

    it('keeps the defaults of each refinement of temporarily_unavailable', () => {
      const base = new lib.TemporarilyUnavailableError();
      expect(base.body).to.deep.equal({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable; try again shortly.' });
      expect(base.status).to.equal(503);
      expect(answerOf(base, 'Bearer').headers).to.deep.equal({ 'Retry-After': '1' });
      expect(answerOf(new lib.TemporarilyUnavailableError('x', { retryAfter: 9 }), 'Bearer').headers).to.deep.equal({ 'Retry-After': '9' });

      const store = new lib.StoreUnavailableError(undefined, { storeCall: { part: 'blacklist', operation: 'add' } });
      expect([store.message, store.retryAfter, store.storeCall]).to.deep.equal(['The token store is unavailable; try again shortly.', undefined, { part: 'blacklist', operation: 'add' }]);
      const keySource = new lib.KeySourceUnavailableError();
      expect([keySource.message, keySource.retryAfter]).to.deep.equal(['The signing keys could not be fetched; try again shortly.', 5]);
      expect(new lib.KeySourceUnavailableError('x', { retryAfter: 3 }).retryAfter).to.equal(3);
      const signing = new lib.SigningKeyUnavailableError();
      expect([signing.message, signing.retryAfter, signing.name]).to.deep.equal(['No signing key is available; try again shortly.', 5, 'SigningKeyUnavailableError']);
      expect(answerOf(signing, 'Bearer').headers).to.deep.equal({ 'Retry-After': '5' });
    });
  });

  it('types KoaJwtErrorCode as the union of the table', () => {
    // Checked by tsc, which `npm test` runs over spec/: this line does not compile when
    // KoaJwtErrorCode and CODES differ by one code, or when the type widens to string.
    const sameUnion: Equal<(typeof CODES)[number], KoaJwtErrorCode> = true;
    expect(sameUnion).to.equal(true);
    expect(Object.keys(ERROR_ANSWERS).sort()).to.deep.equal([...CODES].sort());
  });

  describe('the fields and defaults a class carries', () => {
    it('gives an expired token\'s error the instant it expired (expiredAt)', async () => {
      const auth = koaJwt(testConfig());
      const exp = nowSeconds() - 120;
      const token = forge({ alg: 'HS256' }, claims({ iat: exp - 60, exp }));
      const error = await auth.verify(token).then(() => expect.fail('expected a rejection'), (err: unknown) => err);
      expect(error).to.be.instanceOf(lib.TokenExpiredError);
      expect((error as lib.TokenExpiredError).expiredAt?.getTime()).to.equal(exp * 1000);
      await auth.close();
    });

    it('names the wrong fields of a request on the error itself, as in its body', () => {
      const error = new lib.InvalidRequestError('Missing field: username.', { username: 'This field is required.' });
      expect(error.fields).to.deep.equal({ username: 'This field is required.' });
      expect(new lib.InvalidRequestError('Bad.').fields).to.equal(undefined);
    });

    it('keeps a status written to it, as Koa\'s error handling and an app\'s error middleware may write one', () => {
      const error = new lib.TokenInvalidError('bad');
      (error as { status: number }).status = 500;
      expect(error.status).to.equal(500);
    });

    it('gives a ThrottledError made without options a Retry-After of 1 s', () => {
      const error = new lib.ThrottledError();
      expect([error.retryAfter, error.code, error.status]).to.deep.equal([1, 'throttled', 429]);
      expect(answerOf(error, 'Bearer').headers['Retry-After']).to.equal('1');
    });

    it('answers a wrong login with one description for a wrong password, an unknown and an inactive user', () => {
      expect(new lib.InvalidCredentialsError().message).to.equal('Unable to log in with the provided credentials.');
    });
  });

  it('challenges no 400: the user an impersonate request names is a request error, not a token one (no WWW-Authenticate)', () => {
    for (const error of [new lib.UserNotFoundError('x', { inRequest: true }), new lib.AccountDisabledError('x', { inRequest: true })]) {
      const answer = answerOf(error, 'Bearer');
      expect(answer.status).to.equal(400);
      expect(answer.headers).to.not.have.property('WWW-Authenticate');
    }
  });
});
