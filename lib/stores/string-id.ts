/**
 * A check that every id a store is given (token id, jti, family, user, kid, attempt key) is a
 * string, or a TypeError naming the store and the argument. A store keyed by whatever it is
 * handed would keep `42` apart from `'42'`, or an object under a key nothing can ask for again;
 * a store over a query language would turn `{"$ne": null}` into an operator. Every store
 * refuses them alike, before any command or query exists (the store contract checks it).
 */
export function stringIds(store: string): (value: unknown, name?: string) => string {
  return (value, name = 'id') => {
    if (typeof value !== 'string') throw new TypeError(`${store}: ${name} must be a string, got ${value === null ? 'null' : typeof value}`);
    return value;
  };
}

/** memoryStore's check. */
export const stringId = stringIds('memoryStore');
