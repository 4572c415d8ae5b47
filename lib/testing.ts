/**
 * koa-jwt-kit/testing: the contracts a Store or a UserProvider must keep, as mocha suites, so
 * that a store for Postgres or Redis, or a provider over your own users, runs the same specs as
 * koa-jwt-kit's own (see docs/stores.md).
 *
 * @example
 * ```ts
 * import { storeContract } from 'koa-jwt-kit/testing';
 * storeContract('redisStore', async () => redisStore(await freshClient()));
 * ```
 */
export { storeContract, type StoreContractOptions } from './testing/store-contract.js';
export { userProviderContract, CONTRACT_USERS, type ContractUser } from './testing/user-provider-contract.js';
