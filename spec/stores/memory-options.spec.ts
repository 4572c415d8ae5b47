import { expect } from 'chai';
import { memoryStore } from '../../lib/stores/memory-store.js';

describe('memoryStore options', () => {
  it('gives the store the timeout it is given, and none (the default applies) when it is not', () => {
    expect(memoryStore({ timeout: 1234 }).timeout).to.equal(1234);
    expect(memoryStore({ timeout: 0 }).timeout).to.equal(0);
    expect('timeout' in memoryStore()).to.equal(false);
    expect('timeout' in memoryStore({ maxAttemptKeys: 10 })).to.equal(false);
  });
});
