import { memoryStore } from '../../lib/stores/memory.js';
import { refreshTokenCases } from '../store-contract/refresh-tokens.cases.js';

// The store-contract suite runs these cases against every store; here they run against the
// embedded default, so pair mode's store assumptions are checked even where that suite is not.
describe('pair mode store assumptions: memoryStore()', () => {
  refreshTokenCases(async () => memoryStore());
});
