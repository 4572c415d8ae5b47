import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What verifyPassword and hashPassword see of the login they run in: the login's bound on
 * hashing, and a place to say that the stored hash it matched is outdated. Carried by
 * AsyncLocalStorage, so that a UserProvider of the application that calls verifyPassword
 * gets the bound without passing anything along.
 */
export interface PasswordScope {
  /** Runs one hash inside the login's bound (HashingGate): refused at once when it is full. */
  hash<T>(task: () => Promise<T>): Promise<T>;
  /** The password matched a hash made with older settings: the login may store a new one. */
  markOutdated(): void;
}

const storage = new AsyncLocalStorage<PasswordScope>();

/** The scope of the login running now, if any. */
export const currentPasswordScope = (): PasswordScope | undefined => storage.getStore();

/** Runs `call` (the users provider's authenticate) inside `scope`. */
export const runInPasswordScope = <T>(scope: PasswordScope, call: () => Promise<T>): Promise<T> => storage.run(scope, call);

/** Runs `call` outside any login (work shared by every login, such as the dummy hash). */
export const outsidePasswordScope = <T>(call: () => T): T => storage.exit(call);
