import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { mocha } from './mocha.js';
import type { Store, StoredSigningKey } from '../stores/store.js';

export const SECOND = 1000;
export const DAY = 24 * 3600 * SECOND;
export const inDays = (n: number): Date => new Date(Date.now() + n * DAY);
/** A fresh id, so that cases never meet each other's entries on a store that is not emptied between them. */
export const id = (prefix: string): string => `${prefix}-${randomUUID()}`;
/** A date a store keeps to the millisecond (MongoDB and Redis keep milliseconds, not microseconds). */
export const ms = (at: number): Date => new Date(Math.floor(at));

/** The ids a store must refuse: a number (coerced by a driver), a query operator, an array. */
export const NOT_STRINGS: readonly unknown[] = [42, { $ne: null }, ['x']];
/** What a store that coerces the ids above would have kept them as. */
export const COERCED = ['42', '[object Object]', 'x'];

export function signingKey(kid: string, fields: Partial<StoredSigningKey> = {}): StoredSigningKey {
  return { kid, alg: 'ES256', state: 'next', privateJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }, createdAt: ms(Date.now() - SECOND), ...fields };
}

/** Passes when `call` throws or rejects; fails, naming `what`, when it resolves. */
export async function refuses(what: string, call: () => unknown): Promise<void> {
  let result: unknown;
  try {
    result = await call();
  } catch {
    return;
  }
  assert.fail(`${what} must be refused (throw or reject), it resolved ${JSON.stringify(result)}`);
}

export const sleep = (delay: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, delay));

/** Options of storeContract. */
export interface StoreContractOptions {
  /**
   * Another handle on the backend of `store`: a second client or connection to the same server,
   * as a second instance of a service has. What one handle revokes, the other must see (this is
   * how `blacklist.cache` learns of a logout made elsewhere). Default: the same handle, which
   * checks a store in one process only; memoryStore has nothing more to give (`(store) => store`).
   * A handle other than `store` is closed after each case.
   */
  secondHandle?: (store: Store) => Store | Promise<Store>;
}

/** The store of the running case, and the second handle on its backend when a case asks for it. */
export interface Handles {
  readonly store: Store;
  second(): Promise<Store>;
  /** Marks the store closed by the case itself, so that it is not closed twice. */
  closed(): void;
}

/**
 * Registers the hooks that give each case a store from `makeStore` and close it (and any
 * second handle) after the case.
 */
export function contractHandles(makeStore: () => Store | Promise<Store>, options: StoreContractOptions): Handles {
  const { beforeEach, afterEach } = mocha();
  let store: Store | undefined;
  let second: Store | undefined;
  let open = false;
  beforeEach(async () => {
    store = await makeStore();
    second = undefined;
    open = true;
  });
  afterEach(async () => {
    if (second && second !== store) await second.close?.();
    if (open) await store?.close?.();
    open = false;
  });
  return {
    get store() {
      assert.ok(store, 'the contract has no store outside a case');
      return store;
    },
    async second() {
      assert.ok(store, 'the contract has no store outside a case');
      second ??= options.secondHandle ? await options.secondHandle(store) : store;
      return second;
    },
    closed() {
      open = false;
    },
  };
}
