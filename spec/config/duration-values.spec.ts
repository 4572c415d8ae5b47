import { expect } from 'chai';
import { secondsOf } from '../../lib/config/duration.js';
import { parseConfig } from '../../lib/config/resolve.js';
import { ConfigError } from '../../lib/errors.js';
import { SECRET } from '../helpers/keys.js';
import { configErrorFrom, DEV } from '../helpers/config.js';

// A duration is seconds, as a number or a bare number string, or an ms-style string ('5m').
// token.leeway is the probe: it takes 0, and a wrong one would let expired tokens through.

const leewayOf = (leeway: unknown) => parseConfig({ keys: { secret: SECRET }, token: { leeway: leeway as number } }, DEV).token.leeway;

/** The ConfigError a token.leeway of `leeway` stops parsing with; any other error fails the spec. */
function leewayError(leeway: unknown): ConfigError {
  const error = configErrorFrom(() => leewayOf(leeway));
  expect(error.path).to.equal('token.leeway');
  return error;
}

describe('duration values', () => {
  it('reads a bare decimal string as seconds, whatever its number of decimals', () => {
    expect(['1.25', '0.5', '2.125'].map(leewayOf)).to.deep.equal([1.25, 0.5, 2.125]);
  });

  it('reads a decimal string without its leading zero as seconds too, not as ms would (milliseconds)', () => {
    expect(['.5', '.25'].map(leewayOf)).to.deep.equal([0.5, 0.25]);
  });

  it('reads a zero duration with a unit as 0 s', () => {
    expect(['0s', '0ms', '0m'].map(leewayOf)).to.deep.equal([0, 0, 0]);
  });

  for (const signed of ['-5', '+5', '-1.5']) {
    it(`refuses the signed number string ${JSON.stringify(signed)}, naming the path`, () => {
      leewayError(signed);
    });
  }

  it('says a negative number of seconds is what is wrong', () => {
    expect(leewayError(-1).message).to.equal('token.leeway: expected a non-negative number of seconds, got -1');
    expect(secondsOf(-1)).to.deep.equal({ problem: 'expected a non-negative number of seconds, got -1' });
  });

  it('says what it takes when it cannot read a string, quoting it', () => {
    expect(leewayError('a while').message).to.equal(`token.leeway: expected seconds or a duration such as '5m' or '7d', got "a while"`);
  });

  // ms throws on '' (it answers undefined for other text it cannot read).
  for (const blank of ['', '   ']) {
    it(`refuses the blank string ${JSON.stringify(blank)} with an error naming the path`, () => {
      expect(leewayError(blank).message).to.match(/^token\.leeway: expected seconds or a duration/);
    });
  }

  it('refuses a bare number string too large to be finite, as it refuses Infinity', () => {
    // 400 digits: Number() reads it as Infinity, which would accept every expired token.
    expect(leewayError('9'.repeat(400)).message).to.equal('token.leeway: expected a non-negative number of seconds, got Infinity');
  });
});
