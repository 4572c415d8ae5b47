import { koaJwt } from '../../koa-jwt.js';
import { internalsOf } from '../../internals.js';
import { isActive } from '../../users/provider.js';
import { CliFailure, type Command, EXIT, UsageError } from '../command.js';

/** `koa-jwt-kit token <username>` / `token --id <id>`: prints a token for a user (development and support). */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'print a token for a user',
  usage: 'token <username> [--json] [--force]\n       koa-jwt-kit token --id <id> [--json] [--force]',
  help: [
    'Issues a token as obtain would, without the password, and prints it.',
    '',
    'Options:',
    '  --id <id>   find the user by id instead of username',
    '  --json      print the whole answer ({ "token": ..., "refresh": ... })',
    '  --force     issue even when NODE_ENV=production',
  ].join('\n'),
  options: {
    id: { type: 'string' },
    json: { type: 'boolean' },
    force: { type: 'boolean' },
  },
  async run({ args, options, io, loadConfig }) {
    const id = options.id as string | undefined;
    const username = args[0];
    if ((id === undefined) === (username === undefined) || args.length > 1) throw new UsageError('give a username or --id <id> (one of them)');
    // A token printed to a terminal bypasses the password: not something to do on production by accident.
    if (io.env.NODE_ENV === 'production' && options.force !== true) throw new CliFailure('refusing to print a token with NODE_ENV=production (add --force if you mean it)');
    const auth = koaJwt(await loadConfig());
    try {
      const users = internalsOf(auth).config.users;
      if (!users) throw new CliFailure('the config has no users to issue a token for');
      const user = id !== undefined ? await users.findById(id) : await users.findByUsername(username!);
      if (!user) throw new CliFailure(`no user ${id !== undefined ? `with id ${id}` : username}`);
      if (!isActive(user)) throw new CliFailure(`the account of ${user.username} is disabled`);
      const result = await auth.issue(user);
      io.stdout(options.json === true ? JSON.stringify(result.refresh !== undefined ? { token: result.token, refresh: result.refresh } : { token: result.token }) : result.token);
      return EXIT.ok;
    } finally {
      await auth.close();
    }
  },
};
