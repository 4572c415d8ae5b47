import { koaJwt } from '../../koa-jwt.js';
import { internalsOf } from '../../internals.js';
import { withStoreTimeout } from '../../stores/timeout.js';
import { type Command, EXIT, UsageError } from '../command.js';

/** `koa-jwt-kit delete-stale-tokens`: drf-jwt's delete_stale_tokens management command. */
export const deleteStaleTokensCommand: Command = {
  name: 'delete-stale-tokens',
  summary: 'remove blacklist entries whose tokens can no longer be used',
  usage: 'delete-stale-tokens',
  help: 'Removes every blacklist entry whose expiresAt has passed and prints how many were removed\n(a number alone, for scripts). MongoDB removes them by itself through the TTL index too.',
  async run({ args, loadConfig, io }) {
    if (args.length > 0) throw new UsageError(`unexpected argument ${args[0]}`);
    const auth = koaJwt(await loadConfig());
    try {
      const { store, storeTimeout } = internalsOf(auth).config;
      const removed = await withStoreTimeout(storeTimeout, () => store.blacklist.deleteStale(new Date()));
      io.stdout(String(removed));
      return EXIT.ok;
    } finally {
      await auth.close();
    }
  },
};
