import { resolveConfig } from '../../config/resolve.js';
import { startRotation } from '../../keyring/managed-rotation.js';
import { buildRuntime } from '../../runtime.js';
import { type Command, EXIT, UsageError } from '../command.js';

/**
 * `koa-jwt-kit jwks`: prints the JWKS (GET /.well-known/jwks.json) a config would publish.
 *
 * @example
 * ```sh
 * koa-jwt-kit --config auth.config.json jwks
 * ```
 */
export const jwksCommand: Command = {
  name: 'jwks',
  summary: 'print the JWKS a config would publish',
  usage: 'jwks',
  help: 'Prints the public parts of the asymmetric keys in next, active and retired state, from\nkeys.privateKey/publicKey, keys.dir and, with keys.rotation, its store (after the first sync).',
  async run({ args, loadConfig, io }) {
    if (args.length > 0) throw new UsageError(`unexpected argument ${args[0]}`);
    // Only the keys: no users provider is needed to print them.
    const runtime = buildRuntime(resolveConfig(await loadConfig()));
    const rotation = runtime.keys.rotation ? startRotation(runtime) : undefined;
    try {
      await rotation?.ready();
      io.stdout(JSON.stringify(runtime.keyring.jwks(), null, 2));
      return EXIT.ok;
    } finally {
      rotation?.close();
      runtime.keyring.remote?.close?.();
    }
  },
};
