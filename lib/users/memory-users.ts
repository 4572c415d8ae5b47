import { randomBytes, scryptSync } from 'node:crypto';
import { lookupNow } from './lookup-now.js';
import { dummyHash, SCRYPT, scryptString, verifyPassword } from './password.js';
import type { AuthUser, UserProvider } from './provider.js';

/** One user of memoryUsers: a plain `password` (hashed when the provider is built) or a `passwordHash`. */
export type MemoryUserInput = AuthUser & ({ password: string; passwordHash?: never } | { passwordHash: string; password?: never });

function hashSync(password: string): string {
  const salt = randomBytes(16);
  return scryptString(salt, scryptSync(password, salt, SCRYPT.keylen, SCRYPT.options));
}

/**
 * A UserProvider over a fixed list: for the demo, tests, and small internal services.
 * Plain passwords are hashed with scrypt when it is built; users it returns carry no password.
 * A `passwordHash` may be one brought from Django (`pbkdf2_sha256$…`): it is replaced by a
 * scrypt hash at the user's first login (in memory only).
 *
 * @example
 * ```ts
 * const users = memoryUsers([{ id: '1', username: 'admin', password: 'password123', isSuperuser: true }]);
 * ```
 */
export function memoryUsers(list: readonly MemoryUserInput[]): UserProvider {
  const byId = new Map<string, { user: AuthUser; hash: string }>();
  const byName = new Map<string, string>();
  for (const input of list) {
    const { password, passwordHash, ...user } = input;
    if (user.id === undefined || user.id === null || typeof user.username !== 'string' || user.username === '') {
      throw new TypeError('memoryUsers: every user needs an id and a username');
    }
    const id = String(user.id);
    if (byId.has(id)) throw new TypeError(`memoryUsers: duplicate id ${id}`);
    if (byName.has(user.username)) throw new TypeError(`memoryUsers: duplicate username ${user.username}`);
    const hash = passwordHash ?? (typeof password === 'string' && password !== '' ? hashSync(password) : undefined);
    if (!hash) throw new TypeError(`memoryUsers: ${user.username} needs a password or a passwordHash`);
    byId.set(id, { user: Object.freeze({ isActive: true, isSuperuser: false, ...user }), hash });
    byName.set(user.username, id);
  }
  return {
    async authenticate(username, password) {
      const id = byName.get(username);
      const entry = id === undefined ? undefined : byId.get(id);
      // Unknown users still pay for one scrypt, so the response time does not reveal them.
      const ok = await verifyPassword(password, entry?.hash ?? (await dummyHash()));
      // Inactive users are refused by the caller, with the same answer as a wrong password.
      return ok && entry ? entry.user : undefined;
    },
    async findById(id) {
      return byId.get(String(id))?.user;
    },
    async findByUsername(username) {
      const id = byName.get(username);
      return id === undefined ? undefined : byId.get(id)?.user;
    },
    async updatePasswordHash(user, hash) {
      const entry = byId.get(String(user.id));
      if (entry) entry.hash = hash;
    },
    [lookupNow](id: string | undefined, username: string | undefined) {
      const key = id ?? (username === undefined ? undefined : byName.get(username));
      return key === undefined ? undefined : byId.get(key)?.user;
    },
  } as UserProvider;
}
