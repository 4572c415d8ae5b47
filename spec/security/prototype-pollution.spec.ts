import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import { koaJwt } from '../../lib/koa-jwt.js';
import type { JwtState } from '../../lib/middleware/authenticate.js';
import { testConfig } from '../helpers/app.js';
import { nowSeconds } from '../helpers/tokens.js';
import { forge } from './attack-kit.js';

// JSON.parse makes "__proto__" an own property; a later Object.assign or a recursive merge
// would turn it into the prototype (or pollute Object.prototype). Claims are only spread.
describe('attack: __proto__ claims (prototype pollution)', function () {
  const auth = koaJwt(testConfig());
  const app = new Koa<JwtState>();
  app.use(auth.router({ prefix: '/auth' }).routes());
  app.use(auth);
  app.use((ctx) => {
    const payload = ctx.state.jwt!.payload;
    ctx.body = {
      payloadProtoIsObject: Object.getPrototypeOf(payload) === Object.prototype,
      inheritedPolluted: (payload as Record<string, unknown>).polluted === undefined ? null : 'inherited',
      ownProto: Object.prototype.hasOwnProperty.call(payload, '__proto__'),
      objectPolluted: ({} as Record<string, unknown>).polluted ?? null,
      userIsSuperuser: ctx.state.user!.isSuperuser,
    };
  });
  app.silent = true;
  const request = supertest(app.callback());
  const text = (exp = nowSeconds() + 60) =>
    `{"user_id":"1","username":"alice","exp":${exp},"__proto__":{"polluted":"yes","isSuperuser":true},"constructor":{"prototype":{"polluted":"yes"}}}`;

  afterEach(function () {
    // Clean up if a regression did pollute, so the rest of the run is not poisoned.
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it('accepts the validly signed token without altering any prototype', async function () {
    const res = await request.get('/me').set('Authorization', `Bearer ${forge({ alg: 'HS256' }, text())}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ payloadProtoIsObject: true, inheritedPolluted: null, ownProto: true, objectPolluted: null, userIsSuperuser: false });
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('does not pollute through refresh (the claims are copied into the new token)', async function () {
    const token = forge({ alg: 'HS256' }, text().replace('"exp"', `"orig_iat":${nowSeconds()},"exp"`));
    const res = await request.post('/auth/token/refresh').send({ token });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    const me = await request.get('/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(me.body.objectPolluted).to.equal(null);
    expect(me.body.userIsSuperuser).to.equal(false);
  });

  it('does not pollute through the verify route', async function () {
    const res = await request.post('/auth/token/verify').send({ token: forge({ alg: 'HS256' }, text()) });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
