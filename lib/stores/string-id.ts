/**
 * An id a store was given (token id, jti, family, user, kid, attempt key), or a TypeError. A
 * store keyed by whatever it is handed would keep `42` apart from `'42'`, or an object under a
 * key nothing can ask for again; a store over a query language would turn `{"$ne": null}` into
 * an operator. Every store refuses them alike (the store contract checks it).
 */
export function stringId(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`memoryStore: ${name} must be a string, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  return value;
}
