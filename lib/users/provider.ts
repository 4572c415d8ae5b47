import type { Context } from 'koa';

/** A user as koa-jwt-kit sees it. Applications may carry more fields; they are passed through. */
export interface AuthUser {
  id: string | number;
  /**
   * Always set by a UserProvider. Absent only from a user built from a token's claims
   * (`userLookup: 'token'`, or no `users`) when the token has no `username` claim, as a
   * simplejwt token (user_id only): the id is not a username.
   */
  username?: string;
  /** Inactive users cannot log in and their tokens are refused. Default true. */
  isActive?: boolean;
  /** Superusers may impersonate other users. Default false. */
  isSuperuser?: boolean;
  [field: string]: unknown;
}

/**
 * Where users come from: `memoryUsers([...])`, `mongooseUsers(Model)`, or your own.
 *
 * @example
 * ```ts
 * const users: UserProvider = {
 *   async authenticate(username, password) { ... return user or undefined },
 *   async findById(id) { ... },
 *   async findByUsername(username) { ... },
 * };
 * ```
 */
export interface UserProvider<U extends AuthUser = AuthUser> {
  /** The user when the password is right; undefined for a wrong password or an unknown user. */
  authenticate(username: string, password: string, ctx?: Context): Promise<U | undefined>;
  findById(id: string): Promise<U | undefined>;
  findByUsername(username: string): Promise<U | undefined>;
  /**
   * Optional: stores `hash` (a hashPassword result) as the user's password hash. koaJwt calls
   * it after a successful login whose stored hash is outdated (a Django PBKDF2 hash, a cheaper
   * scrypt), so that users move to the current hash as they log in.
   */
  updatePasswordHash?(user: U, hash: string): Promise<void>;
}

export function isActive(user: AuthUser): boolean {
  return user.isActive !== false;
}

export function isSuperuser(user: AuthUser): boolean {
  return user.isSuperuser === true;
}
