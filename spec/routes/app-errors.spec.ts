import { expect } from 'chai';
import { buildApp } from '../helpers/app.js';

// An error the application throws from its own callback is the application's answer: the token
// routes neither rewrite it into the contract's codes nor swallow it.

describe('errors thrown by the application inside a token route', () => {
  it("keeps the status and message of ctx.throw(400, …) in token.payload (not a body-reading error)", async () => {
    const { request, auth } = buildApp({
      token: { payload: (_user, ctx) => (ctx?.get('X-Tenant') ? { tenant: ctx.get('X-Tenant') } : ctx!.throw(400, 'no tenant')) },
    });
    const refused = await request.post('/auth/token').send({ username: 'alice', password: 'alice-password' }).expect(400);
    expect(refused.text).to.equal('no tenant');
    await request.post('/auth/token').set('X-Tenant', 'acme').send({ username: 'alice', password: 'alice-password' }).expect(201);
    await auth.close();
  });
});
