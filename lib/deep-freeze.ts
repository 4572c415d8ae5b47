/**
 * Which members of a value `deepFreeze` enters: a member object it accepts is frozen and its own
 * members are asked in turn; one it refuses is left as it is (a live object owned by another
 * module, say). `parent` is the object that holds `member` under `key`.
 */
export type FreezeFilter = (member: object, key: string, parent: object) => boolean;

/**
 * Freezes `value`, then every object under it that `enter` accepts, depth first; returns `value`.
 * The value is frozen before its members are visited, so that a filter that refuses frozen
 * objects also stops at a cycle.
 *
 * @example
 * ```ts
 * deepFreeze(payload, (member) => !Object.isFrozen(member));
 * ```
 */
export function deepFreeze<T extends object>(value: T, enter: FreezeFilter): T {
  Object.freeze(value);
  for (const key of Object.keys(value)) {
    const member: unknown = (value as Record<string, unknown>)[key];
    if (typeof member === 'object' && member !== null && enter(member, key, value)) deepFreeze(member, enter);
  }
  return value;
}
