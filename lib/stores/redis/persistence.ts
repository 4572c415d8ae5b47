import type { RedisCaller } from './scripts.js';

/** The warning's code, for `process.on('warning')` filters and `--disable-warning`. */
export const REDIS_PERSISTENCE_WARNING = 'KOA_JWT_KIT_REDIS_PERSISTENCE';

/** What a server keeps on disk, as far as it lets us see. */
export interface Persistence {
  /** false: nothing (no RDB save points, no AOF); true: something; undefined: could not tell. */
  keepsData: boolean | undefined;
  /** How it was told, for the warning's text. */
  source: 'config' | 'info' | 'none';
  /** The server's run_id (a new one at every start), when INFO answered. */
  runId?: string;
}

/** `field:value` lines of an INFO reply. */
function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** The value of `CONFIG GET name` (a [name, value] pair), or undefined when CONFIG is refused. */
async function configValue(client: RedisCaller, name: string): Promise<string | undefined> {
  try {
    const reply = await client.call('CONFIG', 'GET', name);
    return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
  } catch {
    return undefined; // managed Redis often renames or forbids CONFIG (NOPERM, unknown command)
  }
}

/**
 * Asks the server whether it keeps anything on disk. CONFIG is the exact answer: no save points
 * (`save ""`) and `appendonly no` keep nothing. Where CONFIG is refused (managed services
 * rename or forbid it), INFO persistence is read instead: `aof_enabled:0` and no RDB snapshot
 * since the server started (`rdb_saves:0`, or `rdb_last_bgsave_status` never run on older
 * servers) count as nothing kept. Never throws: a server that answers neither is "could not tell".
 *
 * @example
 * ```ts
 * const { keepsData } = await readPersistence(client);
 * ```
 */
export async function readPersistence(client: RedisCaller): Promise<Persistence> {
  let info: Map<string, string> | undefined;
  try {
    info = infoFields(String(await client.call('INFO', 'persistence')) + '\n' + String(await client.call('INFO', 'server')));
  } catch {
    info = undefined;
  }
  const runId = info?.get('run_id');
  const withRun = runId ? { runId } : {};
  const [save, appendonly] = [await configValue(client, 'save'), await configValue(client, 'appendonly')];
  if (save !== undefined && appendonly !== undefined) {
    return { keepsData: save.trim() !== '' || appendonly === 'yes', source: 'config', ...withRun };
  }
  if (!info || !info.has('aof_enabled')) return { keepsData: undefined, source: 'none', ...withRun };
  const aof = info.get('aof_enabled') !== '0';
  const saves = info.get('rdb_saves');
  const snapshotted = saves !== undefined ? saves !== '0' : info.get('rdb_last_bgsave_time_sec') !== '-1';
  return { keepsData: aof || snapshotted, source: 'info', ...withRun };
}

const warned = new Set<string>();

export interface PersistenceWarningOptions {
  emit?: (message: string, options: { code: string }) => void;
  /** Servers already warned about (by run_id); default: one set for the process. */
  once?: Set<string>;
}

/**
 * Warns, once per Redis server (its run_id) and process, when the server keeps nothing on
 * disk: a restart of Redis would then forget every logout (revoked tokens work again), every
 * family revoked for reuse, the managed signing keys and the per-user secrets. A warning, not
 * an error: a cache-only Redis may be a deliberate choice. Resolves whether it warned; never
 * rejects.
 *
 * @example
 * ```ts
 * await warnIfRedisKeepsNothing(client); // redisStore() starts this itself
 * ```
 */
export async function warnIfRedisKeepsNothing(client: RedisCaller, options: PersistenceWarningOptions = {}): Promise<boolean> {
  let persistence: Persistence;
  try {
    persistence = await readPersistence(client);
  } catch {
    return false;
  }
  if (persistence.keepsData !== false) return false;
  const once = options.once ?? warned;
  const server = persistence.runId ?? 'unknown server';
  if (once.has(server)) return false;
  once.add(server);
  const how = persistence.source === 'config'
    ? 'CONFIG GET shows no save points (save "") and appendonly no'
    : 'CONFIG is not available, and INFO persistence shows aof_enabled:0 and no RDB snapshot since the server started';
  const emit = options.emit ?? ((message, opts) => process.emitWarning(message, { type: 'Warning', code: opts.code }));
  emit(
    `koa-jwt-kit: the Redis server behind redisStore() keeps nothing on disk (${how}). `
    + 'A Redis restart would forget every logout (revoked tokens would work again until they expire), every refresh family '
    + 'revoked for reuse, the managed signing keys and the per-user secrets. Turn on AOF (appendonly yes) or RDB snapshots (save), '
    + 'or accept this knowingly. See docs/redis.md.',
    { code: REDIS_PERSISTENCE_WARNING },
  );
  return true;
}
