import { expect } from 'chai';
import { currentEnvironment } from '../../lib/config/environment.js';

// What the config's defaults read from the process: NODE_ENV (Secure cookies) and libuv's
// thread pool size (the bound on password hashing). currentEnvironment takes the variables as
// an argument, so these cases leave process.env alone.

describe('currentEnvironment', () => {
  it('is production only when NODE_ENV is exactly production', () => {
    expect(currentEnvironment({ NODE_ENV: 'production' }).production).to.equal(true);
    expect(currentEnvironment({ NODE_ENV: 'development' }).production).to.equal(false);
    expect(currentEnvironment({ NODE_ENV: '' }).production).to.equal(false);
    expect(currentEnvironment({}).production).to.equal(false);
  });

  it('reads the thread pool size from UV_THREADPOOL_SIZE', () => {
    expect(currentEnvironment({ UV_THREADPOOL_SIZE: '16' }).threadPoolSize).to.equal(16);
    expect(currentEnvironment({ UV_THREADPOOL_SIZE: '1' }).threadPoolSize).to.equal(1);
  });

  // libuv's thread pool documentation: the absolute maximum is 1024 threads (since libuv 1.30).
  it('caps it at 1024, as libuv does', () => {
    expect(currentEnvironment({ UV_THREADPOOL_SIZE: '1024' }).threadPoolSize).to.equal(1024);
    expect(currentEnvironment({ UV_THREADPOOL_SIZE: '5000' }).threadPoolSize).to.equal(1024);
  });

  it('takes libuv\'s default of 4 when UV_THREADPOOL_SIZE is unset or not a positive integer', () => {
    for (const size of [undefined, '', '0', '-2', '1.5', 'many']) {
      const env = size === undefined ? {} : { UV_THREADPOOL_SIZE: size };
      expect(currentEnvironment(env).threadPoolSize, String(size)).to.equal(4);
    }
  });
});
