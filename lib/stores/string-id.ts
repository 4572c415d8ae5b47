/**
 * An id a store was given (token id, jti, family, user, kid, attempt key), or a TypeError. A
 * store keyed by whatever it is handed would keep `42` apart from `'42'`, or an object under a
 * key nothing can ask for again; a store over a query language would turn `{"$ne": null}` into
 * an operator. Every store refuses them alike (the store contract checks it).
 */
export function stringId(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`memoryStore: ids are strings, got ${typeof value}`);
  return value;
}
