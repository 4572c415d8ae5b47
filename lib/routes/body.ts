import type { Context } from 'koa';
import { InvalidRequestError, type KoaJwtError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors.js';

// One parser for every token route: JSON or form, small limits (a token request is tiny), strict
// JSON. Loaded with the first token request, not at import: a service that only verifies never reads a body.
type Parser = (ctx: Context, next: () => Promise<void>) => Promise<void>;
let parser: Promise<Parser> | undefined;
const loadParser = () => (parser ??= import('koa-bodyparser').then((m) => {
  const bodyParser = (m as { default?: typeof import('koa-bodyparser') }).default ?? (m as unknown as typeof import('koa-bodyparser'));
  return bodyParser({ enableTypes: ['json', 'form'], jsonLimit: '16kb', formLimit: '16kb', strict: true }) as unknown as Parser;
}));
const noop = async () => {};

/**
 * Why a body could not be read, as the contract's error. Everything that goes wrong while reading
 * a body is the client's doing — a lying `Content-Encoding` (zlib: "incorrect header check"), an
 * unknown one, a truncated stream, a size over the limit, bad JSON — so it is a 4xx, never a 500
 * with a stack trace in the log on every request (spec/security/body-encoding).
 */
function bodyError(err: unknown): KoaJwtError {
  const e = err as { status?: unknown; type?: unknown; message?: unknown };
  if (e?.status === 413) return new PayloadTooLargeError('The request body is too large.');
  if (e?.status === 415) return new UnsupportedMediaTypeError(typeof e.message === 'string' ? e.message : 'Unsupported media type.');
  if (err instanceof SyntaxError || e?.type === 'entity.parse.failed') return new InvalidRequestError('The request body is not valid JSON.');
  return new InvalidRequestError('The request body could not be read (is its Content-Encoding right?).');
}

/** Whether the request carries body bytes (`Content-Length: 0` does not). */
const hasContent = (ctx: Context): boolean => (ctx.request.length !== undefined ? ctx.request.length > 0 : ctx.get('Transfer-Encoding') !== '');

/**
 * The request body as an object (empty when there is none). Every read failure is a 400/413/415;
 * a body that is neither JSON nor a form (text/plain, XML, multipart, no Content-Type) is a 415,
 * not a "field is required" about fields the client did send.
 */
export async function readBody(ctx: Context): Promise<Record<string, unknown>> {
  if (hasContent(ctx) && !ctx.is('json', 'urlencoded')) {
    throw new UnsupportedMediaTypeError(`The body must be JSON (application/json) or a form (application/x-www-form-urlencoded), not ${ctx.get('Content-Type') || 'a body without a Content-Type'}.`);
  }
  const parse = await loadParser();
  try {
    await parse(ctx, noop);
  } catch (err) {
    throw bodyError(err);
  }
  const body = (ctx.request as { body?: unknown }).body;
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidRequestError('The request body must be a JSON object or a form.');
  return body as Record<string, unknown>;
}

/**
 * Reads required string fields; every missing or wrong one is named in one 400.
 *
 * @example
 * ```ts
 * const { username, password } = requireStrings(body, ['username', 'password']);
 * ```
 */
export function requireStrings<K extends string>(body: Record<string, unknown>, names: readonly K[]): Record<K, string> {
  const fields: Record<string, string> = {};
  const out = {} as Record<K, string>;
  for (const name of names) {
    const value = Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined;
    if (value === undefined || value === null || value === '') fields[name] = 'This field is required.';
    else if (typeof value !== 'string') fields[name] = 'This field must be a string.';
    else out[name] = value;
  }
  if (Object.keys(fields).length > 0) throw new InvalidRequestError(`Missing or invalid field${Object.keys(fields).length > 1 ? 's' : ''}: ${Object.keys(fields).join(', ')}.`, fields);
  return out;
}

/** An optional string field: undefined when absent, 400 when present but not a non-empty string. */
export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new InvalidRequestError(`The field ${name} must be a non-empty string.`, { [name]: 'This field must be a non-empty string.' });
  return value;
}
