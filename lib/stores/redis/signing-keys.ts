import type { StoredSigningKey } from '../store.js';
import { ms, str, toDate } from './values.js';

// A managed signing key as fields of the one signing-key hash: `<name>:<kid>`. A field name
// holds no colon, so the first colon ends it and a kid may hold any character.

const DATE_FIELDS = ['createdAt', 'activatesAt', 'retiredAt', 'notAfter'] as const;
const STRING_FIELDS = ['alg', 'state'] as const;

/** The field that marks a kid as present: insert and update test it, remove deletes it last. */
export const markerField = (kid: string): string => `kid:${kid}`;

/** Every field a key can have, for remove. */
export const allFields = (kid: string): string[] => ['kid', ...STRING_FIELDS, 'privateJwk', ...DATE_FIELDS].map((name) => `${name}:${kid}`);

/**
 * Field, value pairs for the fields given (undefined ones are left out, so an update never
 * erases a field it did not name).
 */
export function keyFields(kid: string, fields: Partial<StoredSigningKey>): string[] {
  const pairs: string[] = [];
  for (const name of STRING_FIELDS) if (fields[name] !== undefined) pairs.push(`${name}:${kid}`, str(fields[name], name));
  if (fields.privateJwk !== undefined) {
    if (typeof fields.privateJwk !== 'string' && (typeof fields.privateJwk !== 'object' || fields.privateJwk === null)) throw new TypeError('redisStore: privateJwk must be a JWK object or a string');
    // JSON keeps the two forms apart: an envelope string stays a string, a JWK an object.
    pairs.push(`privateJwk:${kid}`, JSON.stringify(fields.privateJwk));
  }
  for (const name of DATE_FIELDS) if (fields[name] !== undefined) pairs.push(`${name}:${kid}`, ms(fields[name], name));
  return pairs;
}

/** The keys of an HGETALL of the signing-key hash, oldest first (as mongooseStore lists them). */
export function parseKeys(hash: Record<string, string>): StoredSigningKey[] {
  const byKid = new Map<string, Record<string, string>>();
  for (const [field, value] of Object.entries(hash)) {
    const colon = field.indexOf(':');
    if (colon < 0) continue;
    const kid = field.slice(colon + 1);
    const record = byKid.get(kid) ?? {};
    record[field.slice(0, colon)] = value;
    byKid.set(kid, record);
  }
  const keys: StoredSigningKey[] = [];
  for (const [kid, r] of byKid) {
    if (r.kid === undefined || r.alg === undefined || r.state === undefined || r.privateJwk === undefined || r.createdAt === undefined) continue;
    keys.push({
      kid, alg: r.alg, state: r.state as StoredSigningKey['state'],
      privateJwk: JSON.parse(r.privateJwk) as StoredSigningKey['privateJwk'],
      createdAt: toDate(r.createdAt),
      ...(r.activatesAt !== undefined ? { activatesAt: toDate(r.activatesAt) } : {}),
      ...(r.retiredAt !== undefined ? { retiredAt: toDate(r.retiredAt) } : {}),
      ...(r.notAfter !== undefined ? { notAfter: toDate(r.notAfter) } : {}),
    });
  }
  return keys.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
