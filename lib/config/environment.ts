import os from 'node:os';

/**
 * What the config's defaults depend on outside the config: read once by koaJwt() and handed to
 * parseConfig(), so that parsing itself reads nothing (the same input and environment give the
 * same options).
 */
export interface ConfigEnvironment {
  /** NODE_ENV is `production`: cookies default to Secure. */
  readonly production: boolean;
  /** libuv's thread pool size, where scrypt and PBKDF2 run (UV_THREADPOOL_SIZE, else 4). */
  readonly threadPoolSize: number;
  /** The cores this process may use (os.availableParallelism()). */
  readonly cores: number;
}

/** The environment of this process, read now. */
export function currentEnvironment(env: NodeJS.ProcessEnv = process.env): ConfigEnvironment {
  const size = Number(env.UV_THREADPOOL_SIZE);
  return Object.freeze({
    production: env.NODE_ENV === 'production',
    threadPoolSize: Number.isInteger(size) && size > 0 ? Math.min(size, 1024) : 4,
    cores: os.availableParallelism(),
  });
}
