import { expect } from 'chai';
import { deepFreeze, type FreezeFilter } from '../lib/deep-freeze.js';

describe('deepFreeze', () => {
  const unfrozen: FreezeFilter = (member) => !Object.isFrozen(member);

  it('freezes the value and every object under it the filter accepts, arrays too', () => {
    const value = { a: { b: [{ c: 1 }] }, d: 'text' };
    expect(deepFreeze(value, unfrozen)).to.equal(value);
    expect([value, value.a, value.a.b, value.a.b[0]].map((o) => Object.isFrozen(o))).to.deep.equal([true, true, true, true]);
  });

  it('leaves a member the filter refuses, and what it holds, as they are', () => {
    const live = { inner: {} };
    const value = { live, plain: {} };
    deepFreeze(value, (_member, key) => key !== 'live');
    expect(Object.isFrozen(value) && Object.isFrozen(value.plain)).to.equal(true);
    expect(Object.isFrozen(live) || Object.isFrozen(live.inner)).to.equal(false);
  });

  it('asks the filter with the key and the object that holds the member', () => {
    const value = { list: [{}] };
    const asked: Array<[string, unknown]> = [];
    deepFreeze(value, (_member, key, parent) => {
      asked.push([key, parent]);
      return !Array.isArray(parent);
    });
    expect(asked).to.deep.equal([['list', value], ['0', value.list]]);
    expect(Object.isFrozen(value.list)).to.equal(true);
    expect(Object.isFrozen(value.list[0])).to.equal(false);
  });

  it('stops at a cycle when the filter refuses frozen objects: the value is frozen before its members', () => {
    const value: { self?: unknown; child: { parent?: unknown } } = { child: {} };
    value.self = value;
    value.child.parent = value;
    deepFreeze(value, unfrozen);
    expect(Object.isFrozen(value) && Object.isFrozen(value.child)).to.equal(true);
  });
});
