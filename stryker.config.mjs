// StrykerJS over the security-critical code (the specs of docs/security.md): `npm run mutate`, not part of npm test.
// Results and the surviving mutants' reasons: docs/mutation.md.
//
// Mocha runs TypeScript through tsx (.mocharc.json: node-option import=tsx); the runner loads
// the specs in its own worker processes, so they get `--import tsx` here, and
// `--no-experimental-require-module`: with require(esm) on, mocha require()s the .ts specs and tsx
// compiles them to sloppy CommonJS, where writing to a frozen object does not throw (the specs
// that pin frozen configs and payloads would fail). The machine is shared
// (2 cores): perTest coverage runs only the specs that reach a mutant, two workers at most.
//
// MUTATE_SCOPE=<scope> runs one part; unset, all of them. Each scope loads only the specs that
// pin its code: a spec elsewhere that happens to build a config (every one reaches the secret
// check and the keyring) would run for every mutant and kill nothing a nearer spec misses.
// Fewer specs can only lower a score, never raise it.
const SCOPES = {
  // The store contract's own spec only: broken-stores.spec.ts runs the contract in a child mocha
  // (it cannot run in the sandbox and failed the dry run), the Redis ones need a redis-server.
  tokens: {
    mutate: [
      'lib/tokens/claims.ts', 'lib/tokens/family.ts', 'lib/tokens/jws.ts', 'lib/tokens/token-part.ts', 'lib/tokens/verifier.ts', 'lib/tokens/token-type.ts',
      'lib/tokens/issuer.ts', 'lib/revocation/revocation.ts', 'lib/refresh/pair.ts', 'lib/impersonation.ts',
      'lib/routes/impersonate.ts', 'lib/routes/csrf.ts', 'lib/routes/cross-site.ts', 'lib/deep-freeze.ts',
    ],
    spec: [
      'spec/security/**/*.spec.ts', 'spec/tokens/**/*.spec.ts', 'spec/keyring/**/*.spec.ts', 'spec/revocation/**/*.spec.ts',
      'spec/refresh/**/*.spec.ts', 'spec/routes/**/*.spec.ts', 'spec/middleware/**/*.spec.ts', 'spec/config/**/*.spec.ts',
      'spec/conformance/**/*.spec.ts', 'spec/stores/**/*.spec.ts', 'spec/store-contract/stores.spec.ts', 'spec/users/mongoose-users.spec.ts',
      'spec/deep-freeze.spec.ts', 'spec/events/**/*.spec.ts',
    ],
  },
  // The config's start-up checks: parsing and its rules between options, the key material step,
  // cookies, durations, the remote JWKS URL, rotation timings. Only the specs that pin a config
  // rule or a default (every other spec builds a config too, and would run for every mutant).
  config: {
    mutate: ['lib/config/*.ts'],
    spec: [
      'spec/config/**/*.spec.ts', 'spec/koa-jwt.spec.ts', 'spec/security/weak-secret.spec.ts', 'spec/security/secret-kid.spec.ts',
      'spec/security/remote-jwks.spec.ts', 'spec/security/rsa-exponent.spec.ts', 'spec/keyring/user-secrets-rules.spec.ts',
      'spec/keyring/material.spec.ts', 'spec/keyring/dir.spec.ts', 'spec/keyring/manifest.spec.ts', 'spec/rotation/managed.spec.ts',
      'spec/throttle/login-throttle.spec.ts', 'spec/tokens/clock-skew.spec.ts', 'spec/routes/cookies.spec.ts',
      'spec/routes/refresh-cookie.spec.ts', 'spec/routes/router.spec.ts', 'spec/refresh/pair.spec.ts', 'spec/revocation/revocation-cache.spec.ts',
    ],
  },
  // The error classes and the one place that turns a failure into its HTTP answer (status,
  // challenge, Retry-After, Allow, the refresh cookie dropped or kept).
  errors: {
    mutate: ['lib/errors.ts', 'lib/middleware/error-answer.ts', 'lib/middleware/respond.ts'],
    spec: [
      'spec/errors.spec.ts', 'spec/middleware/**/*.spec.ts', 'spec/routes/**/*.spec.ts', 'spec/docs/error-codes.spec.ts',
      'spec/security/**/*.spec.ts', 'spec/stores/store-failure.spec.ts', 'spec/stores/store-throws.spec.ts', 'spec/throttle/**/*.spec.ts',
    ],
  },
  // Keys, the keyring and its algorithm pinning, key material, the key directory, the JWKS.
  keys: {
    mutate: [
      'lib/keyring/key.ts', 'lib/keyring/keyring.ts', 'lib/keyring/material.ts', 'lib/keyring/algorithms.ts',
      'lib/keyring/jwks.ts', 'lib/keyring/dir.ts', 'lib/keyring/envelope.ts',
    ],
    spec: [
      'spec/keyring/**/*.spec.ts', 'spec/security/**/*.spec.ts', 'spec/tokens/**/*.spec.ts', 'spec/conformance/**/*.spec.ts',
      'spec/config/**/*.spec.ts', 'spec/rotation/**/*.spec.ts', 'spec/routes/jwks-route.spec.ts', 'spec/cli/keys-command.spec.ts',
    ],
  },
  // The start-up check that refuses guessable HS secrets.
  secret: {
    mutate: ['lib/keyring/secret-strength.ts'],
    spec: ['spec/security/weak-secret.spec.ts', 'spec/keyring/secret-strength.spec.ts', 'spec/config/**/*.spec.ts'],
  },
  // Managed rotation shared through the store, its timing plan, per-user secrets.
  rotation: {
    mutate: ['lib/keyring/managed-rotation.ts', 'lib/keyring/rotation-plan.ts', 'lib/keyring/user-secrets.ts'],
    spec: [
      'spec/rotation/**/*.spec.ts', 'spec/keyring/**/*.spec.ts', 'spec/config/**/*.spec.ts', 'spec/security/secret-kid.spec.ts',
      'spec/tokens/token-cache.spec.ts', 'spec/routes/logout-all-route.spec.ts', 'spec/stores/**/*.spec.ts',
    ],
  },
  // The remote JWKS: its specs run real HTTP servers with deadlines. A mutant that removes a
  // deadline hangs until StrykerJS's timeout, which restarts the worker: a short one here.
  remote: {
    timeoutMS: 5000,
    mutate: ['lib/keyring/remote.ts', 'lib/keyring/remote-key.ts', 'lib/keyring/jwks-fetch.ts'],
    spec: [
      'spec/keyring/remote.spec.ts', 'spec/keyring/remote-edges.spec.ts', 'spec/keyring/remote-import.spec.ts', 'spec/security/remote-jwks.spec.ts', 'spec/security/unknown-kid.spec.ts',
      'spec/security/rsa-exponent.spec.ts',
      'spec/security/kid-rule-at-request.spec.ts', 'spec/rotation/cross-service.spec.ts', 'spec/config/errors.spec.ts',
    ],
  },
  // The Mongoose store: its specs record what each operation hands the driver (no server here).
  mongoose: {
    mutate: ['lib/stores/mongoose/**/*.ts'],
    spec: ['spec/stores/mongoose/**/*.spec.ts', 'spec/stores/mongoose-models.spec.ts'],
  },
  // The memory store's Store behaviour, killed by the store contract alone (koa-jwt-kit/testing):
  // how much of a store's behaviour the contract a third-party store runs would notice if it
  // broke. The broken-stores spec runs the contract in a child mocha, out of StrykerJS's reach
  // (it kills nothing here and cannot run in the sandbox): only the contract itself is loaded.
  contract: {
    mutate: ['lib/stores/memory-store.ts', 'lib/stores/memory-attempts.ts', 'lib/stores/memory-expiring.ts', 'lib/stores/string-id.ts'],
    spec: ['spec/store-contract/stores.spec.ts'],
  },
  // The memory store's own resource management, which no engine-neutral contract can reach: the
  // once-a-minute sweep and how long a revoked family is kept, the maxAttemptKeys bound and its
  // sweep, the options, counts(), the expiry queue. Pinned by its own specs (fake clocks, floods),
  // with the contract beside them (reset's forgetting a counter is a Store rule).
  memory: {
    mutate: ['lib/stores/memory-sweep.ts', 'lib/stores/memory-bounds.ts', 'lib/stores/expiry-queue.ts'],
    spec: ['spec/stores/memory-*.spec.ts', 'spec/stores/expiry-queue.spec.ts', 'spec/store-contract/stores.spec.ts'],
  },
};
const scope = process.env.MUTATE_SCOPE;
if (scope !== undefined && !(scope in SCOPES)) throw new Error(`MUTATE_SCOPE is one of ${Object.keys(SCOPES).join(', ')}`);
const name = scope ?? 'all';
const chosen = scope ? [SCOPES[scope]] : Object.values(SCOPES);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  testRunnerNodeArgs: ['--import', 'tsx', '--no-experimental-require-module'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: scope ? SCOPES[scope].timeoutMS ?? 15000 : 15000,
  mutate: chosen.flatMap((s) => s.mutate),
  // Module-level constants (word lists, regexes) need a fresh process per mutant: 96% of the
  // time for the keyring half. They are left out; docs/mutation.md says which files have them.
  ignoreStatic: true,
  mochaOptions: {
    config: '.mocharc.json',
    file: ['spec/helpers/stryker-hooks.ts'],
    spec: [...new Set(chosen.flatMap((s) => s.spec))],
  },
  ignorePatterns: ['dist', 'bench', 'reports', 'docs', '.stryker-tmp'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  // The HTML reporter empties its own folder first: one folder per scope, the JSON beside them.
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}/index.html` },
};
