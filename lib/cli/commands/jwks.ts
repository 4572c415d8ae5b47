import type { KoaJwtConfig } from '../../config/types.js';
import { koaJwt } from '../../koa-jwt.js';
import type { UserProvider } from '../../users/provider.js';
import { type Command, EXIT, UsageError } from '../command.js';

// Printing keys needs no users, but a config that signs must name some to be accepted.
const NO_USERS: UserProvider = {
  authenticate: async () => undefined,
  findById: async () => undefined,
  findByUsername: async () => undefined,
};

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
    const config: KoaJwtConfig = await loadConfig();
    const auth = koaJwt({ ...config, users: config.users ?? NO_USERS });
    try {
      await auth.ready();
      io.stdout(JSON.stringify(auth.keyring.jwks(), null, 2));
      return EXIT.ok;
    } finally {
      await auth.close();
    }
  },
};
