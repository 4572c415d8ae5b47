import mongoose, { type Model } from 'mongoose';
import { dummyHash, verifyPassword } from './password.js';
import type { AuthUser, UserProvider } from './provider.js';

/** Which fields of the application's user model hold what koa-jwt-kit needs. */
export interface MongooseUsersOptions {
  /** Default `username`. */
  usernameField?: string;
  /** Holds a hashPassword() result (scrypt), or a Django PBKDF2 hash. Default `password`. */
  passwordField?: string;
  /** Default `_id`. */
  idField?: string;
  /** Default `isActive` (a missing value counts as active). */
  isActiveField?: string;
  /** Default `isSuperuser`. */
  isSuperuserField?: string;
  /**
   * Replace an outdated hash (Django PBKDF2, a cheaper scrypt) with a fresh scrypt hash at the
   * user's next login (default true). Turn it off while Django still reads the same field.
   */
  rehash?: boolean;
}

const isCastError = (err: unknown): boolean => (err as { name?: unknown })?.name === 'CastError';

/**
 * A UserProvider over the application's own Mongoose user model. Passwords are checked with
 * verifyPassword (hashes made by hashPassword); an unknown username still pays for one scrypt,
 * so timing does not reveal which usernames exist. Users it returns carry no password.
 *
 * @example
 * ```ts
 * const users = mongooseUsers(User, { usernameField: 'email', passwordField: 'passwordHash' });
 * const auth = koaJwt({ keys: { secret }, users });
 * ```
 */
export function mongooseUsers(UserModel: Model<any, any, any, any>, options: MongooseUsersOptions = {}): UserProvider {
  // Model<any, any, any, any>: mongoose 9 types a model with an `id` virtual, 8 without one.
  const usernameField = options.usernameField ?? 'username';
  const passwordField = options.passwordField ?? 'password';
  const idField = options.idField ?? '_id';
  const isActiveField = options.isActiveField ?? 'isActive';
  const isSuperuserField = options.isSuperuserField ?? 'isSuperuser';

  // Filters from typed strings only, and sanitized: `{"$ne": null}` as a username is a string, never an operator.
  const where = (field: string, value: string) => mongoose.sanitizeFilter({ [field]: String(value) });

  function toUser(doc: Record<string, unknown>): AuthUser {
    const { [passwordField]: _password, __v: _v, ...rest } = doc;
    return Object.freeze({
      ...rest,
      id: String(doc[idField]),
      username: String(doc[usernameField]),
      isActive: doc[isActiveField] !== false,
      isSuperuser: doc[isSuperuserField] === true,
    });
  }

  async function findOne(field: string, value: string, withPassword: boolean): Promise<Record<string, unknown> | undefined> {
    try {
      const query = UserModel.findOne(where(field, value));
      if (withPassword) query.select(`+${passwordField}`);
      const doc = (await query.lean().exec()) as Record<string, unknown> | null;
      return doc ?? undefined;
    } catch (err) {
      // An id that cannot be an ObjectId names no user; it is not a store failure.
      if (isCastError(err)) return undefined;
      throw err;
    }
  }

  return {
    async authenticate(username, password) {
      if (typeof username !== 'string' || typeof password !== 'string') return undefined;
      const doc = await findOne(usernameField, username, true);
      const hash = doc && typeof doc[passwordField] === 'string' ? (doc[passwordField] as string) : undefined;
      const ok = await verifyPassword(password, hash ?? (await dummyHash()));
      return ok && doc && hash ? toUser(doc) : undefined;
    },
    async findById(id) {
      const doc = await findOne(idField, id, false);
      return doc ? toUser(doc) : undefined;
    },
    async findByUsername(username) {
      const doc = await findOne(usernameField, username, false);
      return doc ? toUser(doc) : undefined;
    },
    ...(options.rehash === false ? {} : {
      async updatePasswordHash(user: AuthUser, hash: string) {
        if (typeof hash !== 'string') throw new TypeError('mongooseUsers: a password hash must be a string');
        await UserModel.updateOne(where(idField, String(user.id)), { $set: { [passwordField]: hash } }).exec();
      },
    }),
  };
}
