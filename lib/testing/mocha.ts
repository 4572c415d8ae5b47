// The contract suites run inside the caller's mocha: they use its globals (describe, it, …)
// rather than importing mocha, so that koa-jwt-kit needs no test framework at run time.

/** The `this` of a mocha test function: what the contract suites use of it. */
export interface TestContext {
  skip(): never;
  timeout(ms: number): void;
}
type Test = (this: TestContext) => void | Promise<void>;
type Hook = (this: TestContext) => void | Promise<void>;

interface MochaGlobals {
  describe(title: string, body: () => void): unknown;
  it(title: string, test: Test): unknown;
  before(hook: Hook): unknown;
  beforeEach(hook: Hook): unknown;
  after(hook: Hook): unknown;
  afterEach(hook: Hook): unknown;
}

/** mocha's BDD globals, read when a suite is defined (so that loading this module alone needs no mocha). */
export function mocha(): MochaGlobals {
  const g = globalThis as unknown as Partial<MochaGlobals>;
  if (typeof g.describe !== 'function' || typeof g.it !== 'function') {
    throw new TypeError('koa-jwt-kit/testing: the contract suites are mocha suites; call them from a spec file that mocha loads');
  }
  return g as MochaGlobals;
}
