import { expect } from 'chai';
import { secondsOf } from '../../lib/config/duration.js';
import { ConfigError } from '../../lib/errors.js';
import { koaJwt } from '../../lib/koa-jwt.js';
import { testConfig } from '../helpers/app.js';
import { configErrorOf } from '../helpers/config.js';
import { internalsOf } from '../../lib/internals.js';

describe('durations', () => {
  const cases: Array<[number | string, number]> = [
    [30, 30], ['30', 30], [' 45 ', 45], ['5m', 300], ['7d', 604_800], ['1h', 3600], ['1500ms', 1.5], [0, 0],
  ];
  for (const [input, seconds] of cases) {
    it(`reads ${JSON.stringify(input)} as ${seconds} s`, () => {
      expect(secondsOf(input)).to.equal(seconds);
    });
  }

  it('reads a bare number string as seconds, not milliseconds', () => {
    expect(secondsOf('30')).to.equal(30);
  });

  it('names the path in its error', () => {
    expect(configErrorOf(testConfig({ token: { leeway: 'a while' } }))).to.be.instanceOf(ConfigError)
      .with.property('message').that.matches(/^token\.leeway: /);
  });

  it('applies to token.expiresIn, token.leeway and refresh.expiresIn', () => {
    const auth = koaJwt(testConfig({ token: { expiresIn: '30', leeway: '1m' }, refresh: { expiresIn: '7d' } }));
    expect(internalsOf(auth).config.token.expiresIn).to.equal(30);
    expect(internalsOf(auth).config.token.leeway).to.equal(60);
    expect(internalsOf(auth).config.refresh.expiresIn).to.equal(604_800);
  });

  it('defaults to 5 minutes for tokens and 7 days for refresh', () => {
    const auth = koaJwt(testConfig());
    expect(internalsOf(auth).config.token.expiresIn).to.equal(300);
    expect(internalsOf(auth).config.refresh.expiresIn).to.equal(604_800);
    expect(internalsOf(auth).config.token.leeway).to.equal(0);
  });
});
