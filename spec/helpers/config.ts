import { expect } from 'chai';
import type { ConfigEnvironment } from '../../lib/config/environment.js';
import type { KoaJwtConfig } from '../../lib/config/types.js';
import { ConfigError } from '../../lib/errors.js';
import { koaJwt } from '../../lib/koa-jwt.js';

/**
 * Runs koaJwt(config), expects it to throw exactly one ConfigError, and returns it.
 *
 * @example
 * ```ts
 * expect(configErrorOf({ keys: { secret: 'short' } }).path).to.equal('keys.secret');
 * ```
 */
export function configErrorOf(config: unknown): ConfigError {
  let thrown: unknown;
  try {
    const auth = koaJwt(config as KoaJwtConfig);
    void auth.close();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'koaJwt() should have thrown').to.be.instanceOf(ConfigError);
  const error = thrown as ConfigError;
  expect(error.code).to.equal('config_invalid');
  expect(error.message.startsWith(`${error.path}: `), 'the message starts with the path').to.equal(true);
  return error;
}

/**
 * The ConfigError `fn` throws (and nothing else: a TypeError is a failure), for the parts a config
 * does not reach (keyring.add(), loadKeyDir()).
 *
 * @example
 * ```ts
 * expect(configErrorFrom(() => auth.keyring.add({ alg: 'HS256', secret: null as never })).path).to.equal('key.secret');
 * ```
 */
export function configErrorFrom(fn: () => unknown): ConfigError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'should have thrown a ConfigError').to.be.instanceOf(ConfigError);
  return thrown as ConfigError;
}

/** An environment for parseConfig(): development (cookies not Secure by default), 4 pool threads, 8 cores. */
export const DEV: ConfigEnvironment = Object.freeze({ production: false, threadPoolSize: 4, cores: 8 });
/** The same machine under NODE_ENV=production (cookies Secure by default). */
export const PROD: ConfigEnvironment = Object.freeze({ ...DEV, production: true });
