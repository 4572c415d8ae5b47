import { forgetHeaders } from '../../lib/tokens/jws.js';

// Loaded before the specs by `npm run mutate` only (stryker.config.mjs, mochaOptions.file).
// StrykerJS switches mutants inside one long-lived process: a header parsed and remembered
// before a mutant was switched on would never reach the mutated parse, and its mutant would
// survive untested. Each spec starts from a cold header memo.
beforeEach(function () {
  forgetHeaders();
});
