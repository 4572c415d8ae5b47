import { fileURLToPath } from 'node:url';
import { KeyObject } from 'node:crypto';
import { expect } from 'chai';
import ts from 'typescript';
import * as lib from '../../lib/index.js';
import { internalsOf } from '../../lib/internals.js';
import { SECRET } from '../helpers/keys.js';

// The public surface is operations, errors and the types a user writes. Whatever is exported
// can never change without a major version, so the lists below are the whole of it: adding a
// name is a decision made here, in review, not a side effect of `export *`. Nothing public hands
// out key material, a signer that skips the registered-claims guard, the event emitter or the
// live config (those stay reachable to specs through lib/internals.ts, which no entry exports).

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const ERROR_CLASSES = [
  'KoaJwtError', 'ConfigError', 'KeyInvalidError', 'KeyNotFoundError', 'TokenError', 'CredentialsRequiredError',
  'CredentialsBadFormatError', 'InvalidCredentialsError', 'TokenExpiredError', 'TokenNotYetValidError', 'TokenInvalidError',
  'TokenRevokedError', 'TokenReusedError', 'RefreshExpiredError', 'UserNotFoundError', 'AccountDisabledError',
  'InvalidRequestError', 'RefreshNotAllowedError', 'ForbiddenError', 'CrossSiteRequestError', 'CsrfTokenError',
  'PayloadTooLargeError', 'UnsupportedMediaTypeError', 'NotAvailableError', 'MethodNotAllowedError',
  'TemporarilyUnavailableError', 'StoreUnavailableError', 'KeySourceUnavailableError', 'SigningKeyUnavailableError',
  'ThrottledError',
];

const ENTRIES: Record<string, { file: string; exports: string[] }> = {
  'koa-jwt-kit': {
    file: 'lib/index.ts',
    exports: [
      'koaJwt', 'KoaJwt', 'Authentication', 'KoaJwtConfig', 'CookieConfig', 'RotationConfig', 'PairConfig', 'IssueResult',
      'ThrottleConfig', 'ThrottleLimit', 'HashingConfig', 'Duration', ...ERROR_CLASSES, 'KoaJwtErrorCode', 'ErrorBody', 'StoreCall',
      'Keyring', 'KeyInfo', 'KeyringChange', 'KeySpec', 'KeyState', 'thumbprint', 'ALGORITHMS', 'Algorithm', 'KeyMaterial',
      'JwkObject', 'PublicJwk', 'JwtPayload', 'JwsHeader', 'JwtState', 'RouterOptions', 'AuthUser', 'UserProvider',
      'memoryUsers', 'MemoryUserInput', 'hashPassword', 'verifyPassword', 'needsRehash', 'AuthEventMap', 'AuthEventName',
      'AuthEventListener', 'AuthEventBase', 'LoginFailedReason', 'ErrorSource', 'Store', 'BlacklistStore', 'BlacklistEntry',
      'RefreshTokenStore', 'RefreshTokenRecord', 'UserSecretStore', 'SigningKeyStore', 'StoredSigningKey', 'ConsumeResult',
      'AttemptStore', 'AttemptCount', 'memoryStore', 'MemoryStoreOptions',
    ],
  },
  'koa-jwt-kit/testing': {
    file: 'lib/testing.ts',
    exports: ['storeContract', 'StoreContractOptions', 'userProviderContract', 'CONTRACT_USERS', 'ContractUser'],
  },
  'koa-jwt-kit/mongoose': {
    file: 'lib/mongoose.ts',
    exports: ['mongooseStore', 'storeModels', 'StoreModels', 'mongooseUsers', 'MongooseUsersOptions'],
  },
  'koa-jwt-kit/redis': {
    file: 'lib/redis.ts',
    exports: ['redisStore', 'RedisStoreOptions', 'REDIS_PERSISTENCE_WARNING'],
  },
};

/** Every name a module exports, types included, as the compiler sees it. */
function exportedNames(files: string[]): Map<string, string[]> {
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  return new Map(files.map((file) => {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    return [file, checker.getExportsOfModule(symbol).map((s) => s.getName())];
  }));
}

describe('the public API', function () {
  describe('what each entry point exports', function () {
    this.timeout(120_000);
    let found: Map<string, string[]>;
    before(() => { found = exportedNames(Object.values(ENTRIES).map((entry) => `${ROOT}${entry.file}`)); });

    for (const [entry, { file, exports }] of Object.entries(ENTRIES)) {
      it(`${entry} exports exactly its listed names`, function () {
        expect([...found.get(`${ROOT}${file}`)!].sort()).to.deep.equal([...exports].sort());
      });
    }

    it('exports neither the internals nor the config resolver, the error table or a key object', function () {
      const names = found.get(`${ROOT}lib/index.ts`)!;
      for (const internal of ['internalsOf', 'Internals', 'Authority', 'resolveConfig', 'ResolvedConfig', 'ERROR_ANSWERS', 'Key', 'VerifiedToken', 'AuthEvents']) {
        expect(names, internal).to.not.include(internal);
      }
    });
  });

  describe('a koaJwt instance', function () {
    let auth: lib.KoaJwt;
    beforeEach(() => { auth = lib.koaJwt({ keys: { secret: { k1: SECRET } }, users: lib.memoryUsers([{ id: '1', username: 'ada', password: 'lovelace-1815' }]) }); });
    afterEach(() => auth.close());

    it('has the operations as members and nothing else', function () {
      expect(Object.keys(auth).sort()).to.deep.equal([
        'authenticate', 'blacklist', 'close', 'issue', 'jwks', 'keyring', 'off', 'on', 'once', 'optional', 'ready',
        'rotateUserSecret', 'router', 'verify',
      ]);
      expect(auth).to.not.have.property('authority');
      expect(auth).to.not.have.property('config');
    });

    it('gives a keyring that lists, adds, promotes, retires, removes and tells of changes, and holds no key', function () {
      expect(Object.keys(auth.keyring).sort()).to.deep.equal(['add', 'list', 'onChange', 'promote', 'remove', 'retire']);
      expect(Object.isFrozen(auth.keyring)).to.equal(true);
      const everything = JSON.stringify(auth.keyring.list());
      expect(everything).to.not.include(SECRET);
      for (const info of auth.keyring.list()) {
        for (const value of Object.values(info)) expect(value).to.not.be.instanceOf(KeyObject);
      }
    });

    it('answers authenticate with the user and the token, not the key that verified it', async function () {
      const { token } = await auth.issue({ id: '1', username: 'ada' });
      const authenticated = await auth.authenticate(token);
      expect(Object.keys(authenticated).sort()).to.deep.equal(['jwt', 'user']);
      expect(Object.keys(authenticated.jwt).sort()).to.deep.equal(['header', 'payload', 'token']);
      expect(authenticated.jwt.token).to.equal(token);
      expect(authenticated.user).to.include({ id: '1', username: 'ada' });
      expect(authenticated.jwt.payload).to.include({ user_id: '1', username: 'ada' });
      expect(internalsOf(auth).keyring.get('k1')!.signingKey).to.be.instanceOf(KeyObject);
    });

    it('keeps the live parts for specs behind lib/internals.ts, and refuses anything that is not an instance', function () {
      expect(internalsOf(auth).config.keyring).to.equal(internalsOf(auth).keyring);
      expect(() => internalsOf({})).to.throw(TypeError, /not a koaJwt instance/);
    });
  });
});
