/**
 * koa-jwt-kit/mongoose: the MongoDB store and users provider. Kept apart from the root entry
 * so that an application without MongoDB never loads mongoose (measured: ~0.5 s and ~95 MB RSS
 * on import); mongoose is an optional peer dependency.
 *
 * @example
 * ```ts
 * import mongoose from 'mongoose';
 * import { mongooseStore, mongooseUsers } from 'koa-jwt-kit/mongoose';
 * const auth = koaJwt({ keys, store: mongooseStore(mongoose.connection), users: mongooseUsers(User) });
 * ```
 */
export { mongooseStore } from './stores/mongoose/mongoose-store.js';
// storeModels: the models, so that an application can create their indexes itself (docs/stores.md).
export { storeModels, type StoreModels } from './stores/mongoose/models.js';
export { mongooseUsers, type MongooseUsersOptions } from './users/mongoose-users.js';
