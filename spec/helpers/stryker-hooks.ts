import { forgetHeaders } from '../../lib/tokens/jws.js';

// Loaded before the specs by `npm run mutate` only (stryker.config.mjs, mochaOptions.file).
// StrykerJS switches mutants inside one long-lived process: a header parsed and remembered
// before a mutant was switched on would never reach the mutated parse, and its mutant would
// survive untested. Each spec starts from a cold header memo.
beforeEach(function () {
  forgetHeaders();
});

// A spec whose afterEach fails before its clock.restore() leaves sinon's fake Date installed:
// every later spec of that worker then fails with "Can't install fake timers twice", and
// StrykerJS counts every later mutant as killed (the rotation scope's first run: 355 such
// "kills"). The real clock goes back before each spec, and the leak is said once.
let leakReported = false;
beforeEach(function () {
  const date = Date as unknown as { isFake?: boolean; clock?: { uninstall(): void } };
  if (date.isFake !== true || !date.clock) return;
  date.clock.uninstall();
  if (!leakReported) process.stderr.write(`stryker-hooks: a fake clock was left installed before "${this.currentTest?.fullTitle() ?? '?'}"; uninstalled\n`);
  leakReported = true;
});
