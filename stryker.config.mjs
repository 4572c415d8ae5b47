// StrykerJS over the security-critical code (issue 11.9): `npm run mutate`, not part of npm test.
// Results and the surviving mutants' reasons: docs/mutation.md.
//
// Mocha runs TypeScript through tsx (.mocharc.json: node-option import=tsx); the runner loads
// the specs in its own worker processes, so they get `--import tsx` here, and
// `--no-experimental-require-module`: with require(esm) on, mocha require()s the .ts specs and tsx
// compiles them to sloppy CommonJS, where writing to a frozen object does not throw (the specs
// that pin frozen configs and payloads would fail). The machine is shared
// (2 cores): perTest coverage runs only the specs that reach a mutant, two workers at most.
//
// MUTATE_SCOPE=tokens|keys|remote runs one part; unset, all of them.
const SCOPES = {
  tokens: [
    'lib/tokens/claims.ts', 'lib/tokens/family.ts', 'lib/tokens/jws.ts', 'lib/tokens/verifier.ts', 'lib/tokens/token-type.ts',
    'lib/tokens/issuer.ts', 'lib/revocation/revocation.ts', 'lib/refresh/pair.ts', 'lib/impersonation.ts',
    'lib/routes/impersonate.ts', 'lib/routes/csrf.ts',
  ],
  keys: ['lib/keyring/key.ts', 'lib/keyring/keyring.ts', 'lib/keyring/material.ts', 'lib/keyring/secret-strength.ts'],
  // Its specs run real HTTP servers with deadlines: many mutants end as timeouts, each restarting a worker.
  remote: ['lib/keyring/remote.ts', 'lib/keyring/jwks-fetch.ts'],
};
const scope = process.env.MUTATE_SCOPE;
if (scope !== undefined && !(scope in SCOPES)) throw new Error(`MUTATE_SCOPE is one of ${Object.keys(SCOPES).join(', ')}`);
const name = scope ?? 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  testRunnerNodeArgs: ['--import', 'tsx', '--no-experimental-require-module'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 15000,
  mutate: scope ? SCOPES[scope] : Object.values(SCOPES).flat(),
  // Module-level constants (word lists, regexes) need a fresh process per mutant: 96% of the
  // time for the keyring half. They are left out; docs/mutation.md says which files have them.
  ignoreStatic: true,
  mochaOptions: {
    config: '.mocharc.json',
    file: ['spec/helpers/stryker-hooks.ts'],
    // The specs that reach this code; the CLI, packaging, example and store-contract suites do not.
    spec: [
      'spec/security/**/*.spec.ts', 'spec/tokens/**/*.spec.ts', 'spec/keyring/**/*.spec.ts', 'spec/revocation/**/*.spec.ts',
      'spec/refresh/**/*.spec.ts', 'spec/routes/**/*.spec.ts', 'spec/middleware/**/*.spec.ts', 'spec/config/**/*.spec.ts',
      'spec/conformance/**/*.spec.ts', 'spec/stores/**/*.spec.ts', 'spec/store-contract/**/*.spec.ts', 'spec/users/mongoose.spec.ts',
    ],
  },
  ignorePatterns: ['dist', 'bench', 'reports', 'docs', '.stryker-tmp'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  // The HTML reporter empties its own folder first: one folder per scope, the JSON beside them.
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}/index.html` },
};
