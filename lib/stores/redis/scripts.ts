import { createHash } from 'node:crypto';

/**
 * The Lua scripts of redisStore: every operation that reads then writes is one script, so
 * Redis runs it without any other command in between (atomic on one server, across every
 * client). Every key a script touches is passed in KEYS, never built inside it, as Redis asks
 * of scripts that must run on a cluster (https://redis.io/docs/latest/commands/eval/).
 *
 * Times travel as integer milliseconds in strings, so no Lua number is ever formatted back into
 * a key's value except where noted (string.format('%d'), exact for ms timestamps).
 */

/** The commands redisStore sends: `call` exists on ioredis's Redis and Cluster alike. */
export interface RedisCaller {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

export interface LuaScript {
  readonly name: string;
  readonly lua: string;
  readonly sha: string;
}

const script = (name: string, lua: string): LuaScript => ({ name, lua, sha: createHash('sha1').update(lua).digest('hex') });

/**
 * Runs a script by its SHA1 (EVALSHA), sending the source (EVAL) only when the server does not
 * have it yet (a new server, a restart, SCRIPT FLUSH): one round trip either way but the first.
 *
 * @example
 * ```ts
 * await runScript(client, CONSUME, [tokenKey, familyKey], [family, String(Date.now())]);
 * ```
 */
export async function runScript(client: RedisCaller, s: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await client.call('EVALSHA', s.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!/NOSCRIPT/.test(String((err as Error)?.message))) throw err;
    return client.call('EVAL', s.lua, keys.length, ...keys, ...args);
  }
}

/** Redis's own clock, in ms: trims are judged by the server that runs the TTLs, not by a client's clock. */
const SERVER_NOW = `
local t = redis.call('TIME')
local serverNow = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * blacklist.add. KEYS: entry, index. ARGV: tokenId, expiresAt, blacklistedAt, hasUser, user,
 * hasToken, token, trimAfterMs. A repeat never shortens the entry (its TTL and its index
 * score keep the later expiry); the first blacklistedAt, user and token stay. Index members
 * whose expiry passed more than trimAfterMs ago (by Redis's clock) are trimmed here, so the
 * index stays bounded whether or not deleteStale ever runs.
 */
export const ADD_REVOCATION = script('add-revocation', `
if redis.replicate_commands then redis.replicate_commands() end
local expires = tonumber(ARGV[2])
local current = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
if current == nil or current < expires then
  redis.call('HSET', KEYS[1], 'expiresAt', ARGV[2])
  redis.call('HSETNX', KEYS[1], 'blacklistedAt', ARGV[3])
  if ARGV[4] == '1' then redis.call('HSETNX', KEYS[1], 'user', ARGV[5]) end
  if ARGV[6] == '1' then redis.call('HSETNX', KEYS[1], 'token', ARGV[7]) end
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
end
local score = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]))
if score == nil or score < expires then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1]) end
${SERVER_NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%d', serverNow - tonumber(ARGV[8])))
return 1
`);

/**
 * blacklist.deleteStale, for a batch of ids the index listed as expired. KEYS: index, then one
 * entry per id. ARGV: now, then the ids. Each is checked again (an add may have lengthened it
 * since it was listed); resolves how many index members went.
 */
export const DELETE_STALE = script('delete-stale', `
local now = tonumber(ARGV[1])
local removed = 0
for i = 2, #KEYS do
  local score = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i]))
  if score ~= nil and score < now then
    redis.call('ZREM', KEYS[1], ARGV[i])
    local expires = tonumber(redis.call('HGET', KEYS[i], 'expiresAt'))
    if expires == nil or expires < now then redis.call('DEL', KEYS[i]) end
    removed = removed + 1
  end
end
return removed
`);

/**
 * refreshTokens.save. KEYS: token, family. ARGV: family, user, expiresAt, consumedAt ('' for
 * none). The record is replaced; the family's life is lengthened to the token's expiry, never
 * shortened, and a revocation already on it stays (a token saved into a revoked family is
 * refused when consumed).
 */
export const SAVE_REFRESH_TOKEN = script('save-refresh-token', `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'family', ARGV[1], 'user', ARGV[2], 'expiresAt', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'consumedAt', ARGV[4]) end
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
local latest = tonumber(redis.call('HGET', KEYS[2], 'expiresAt'))
if latest == nil or latest < tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[2], 'expiresAt', ARGV[3])
  redis.call('PEXPIREAT', KEYS[2], ARGV[3])
end
return 1
`);

/**
 * refreshTokens.consume: the check and the mark are one script, so of concurrent consumes of
 * one jti, on any number of connections, exactly one is 'consumed'. KEYS: token, family.
 * ARGV: the family the caller read for this jti, now. 'moved' when the record's family is no
 * longer that one (it was saved again meanwhile): the caller reads it again.
 */
export const CONSUME = script('consume', `
local family = redis.call('HGET', KEYS[1], 'family')
if not family then return 'unknown' end
if family ~= ARGV[1] then return 'moved' end
if redis.call('HGET', KEYS[2], 'revoked') == '1' then return 'revoked' end
if redis.call('HEXISTS', KEYS[1], 'consumedAt') == 1 then return 'reused' end
redis.call('HSET', KEYS[1], 'consumedAt', ARGV[2])
return 'consumed'
`);

/**
 * refreshTokens.revokeFamily. KEYS: family. ARGV: expiresAt ('' when not given), fallback
 * expiry (for a family never seen). The revocation lasts until the latest of what is asked and
 * what the family already had: never shortened.
 */
export const REVOKE_FAMILY = script('revoke-family', `
local known = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
local latest = tonumber(ARGV[1]) or known or tonumber(ARGV[2])
if known ~= nil and known > latest then latest = known end
local at = string.format('%d', latest)
redis.call('HSET', KEYS[1], 'revoked', '1', 'expiresAt', at)
redis.call('PEXPIREAT', KEYS[1], at)
return 1
`);

/** userSecrets.get: the stored secret, or ARGV[1] stored and returned (concurrent first calls agree). KEYS: secret. */
export const GET_OR_CREATE_SECRET = script('get-or-create-secret', `
local secret = redis.call('GET', KEYS[1])
if secret then return secret end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`);

/**
 * attempts.hit, a fixed window. KEYS: counter. ARGV: now, now + window. Inside the window the
 * count goes up by one; at or past its end (or for a new key) a window opens at 1 and the key
 * expires at its end. Resolves { count, resetAt }.
 */
export const HIT = script('hit', `
local resetAt = tonumber(redis.call('HGET', KEYS[1], 'resetAt'))
if resetAt == nil or resetAt <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'count', '1', 'resetAt', ARGV[2])
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
  return { 1, ARGV[2] }
end
return { redis.call('HINCRBY', KEYS[1], 'count', 1), redis.call('HGET', KEYS[1], 'resetAt') }
`);

/** attempts.undo: one hit taken back, only in a window still open at ARGV[1] (now), never below 0. KEYS: counter. */
export const UNDO = script('undo', `
local resetAt = tonumber(redis.call('HGET', KEYS[1], 'resetAt'))
if resetAt == nil or resetAt <= tonumber(ARGV[1]) then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'count') or '0') <= 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'count', -1)
return 1
`);

/**
 * signingKeys.insert. KEYS: the signing-key hash. ARGV: the kid's marker field, then field,
 * value pairs (the marker among them). Writes only when no key holds that kid: the kid is
 * derived from the rotation slot, so "no key with this kid" is "the slot is free".
 */
export const INSERT_SIGNING_KEY = script('insert-signing-key', `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
`);

/**
 * signingKeys.update. KEYS: the signing-key hash. ARGV: the kid's marker field, then field,
 * value pairs. Merges: only the fields given are written, the rest of the record stays; a kid
 * that is not there (removed meanwhile) is not brought back as a partial record.
 */
export const UPDATE_SIGNING_KEY = script('update-signing-key', `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
`);
