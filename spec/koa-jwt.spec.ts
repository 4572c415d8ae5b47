import { expect } from 'chai';
import sinon from 'sinon';
import { Keyring } from '../lib/keyring/keyring.js';
import { koaJwt } from '../lib/koa-jwt.js';
import { testConfig } from './helpers/app.js';

describe('koaJwt() lifecycle', () => {
  afterEach(() => sinon.restore());

  it('close() detaches everything it attached to the keyring (the token cache listens for key changes)', async () => {
    const unsubscribes: sinon.SinonSpy[] = [];
    const onChange = Keyring.prototype.onChange;
    sinon.stub(Keyring.prototype, 'onChange').callsFake(function (this: Keyring, listener) {
      const unsubscribe = sinon.spy(onChange.call(this, listener));
      unsubscribes.push(unsubscribe);
      return unsubscribe;
    });
    const auth = koaJwt(testConfig());
    expect(unsubscribes, 'the token cache subscribes').to.have.length.greaterThan(0);
    expect(unsubscribes.some((u) => u.called)).to.equal(false);
    await auth.close();
    for (const unsubscribe of unsubscribes) expect(unsubscribe.calledOnce).to.equal(true);
  });

  it('close() can be called twice', async () => {
    const auth = koaJwt(testConfig());
    await auth.close();
    await auth.close();
  });
});
