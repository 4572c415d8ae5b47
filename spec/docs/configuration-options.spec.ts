import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { configSchema } from '../../lib/config/schema.js';

// docs/configuration.md's option tables against the config schema, both ways: every option
// koaJwt() accepts has a row (or is named in its parent's row), and every row names an option
// koaJwt() accepts. Unknown option names stop start-up, so a documented name that the schema
// lacks is a config that cannot start.
//
// Rules, walking the zod schema:
// - optional, default, prefault, nullable, readonly, catch and pipe (the `in` side: what a user
//   writes) are unwrapped to the schema inside;
// - an object is not an option of its own: its keys are (`keys` → `keys.algorithm`, …); a row
//   may still document it (`keys.rotation`), and then may name its keys inline, as below;
// - a union that has an object among its members (`refresh.pair: boolean | { rotate, … }`,
//   `cookie: false | name | { name, … }`, `throttle: false | { username, … }`) is an option of
//   its own, since it takes a value that is not an object, and its object's keys are options too
//   (`refresh.pair.rotate`);
// - everything else is a leaf option: scalars, enums, functions, custom values (`store`,
//   `users`), lists and `{ kid: key }` records (a record's keys are the user's, not options).
//
// Documented: each path in backticks in the first cell of a row of a table whose first header
// is `option` (`token.payload(user, ctx)` documents `token.payload`), and, in the row of an
// object option, each key of an inline `{ a, b: default, … }` code span in the other cells
// (`keys.rotation`: `{ every, algorithm, … }` documents `keys.rotation.every` and its siblings).

const PAGE = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

/** The part of a zod 4 schema's public `def` that the walk reads. */
interface Node {
  readonly def: {
    readonly type: string;
    readonly innerType?: Node;
    readonly in?: Node;
    readonly options?: readonly Node[];
    readonly shape?: Readonly<Record<string, Node>>;
  };
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

function unwrap(node: Node): Node {
  const { def } = node;
  if (WRAPPERS.has(def.type) && def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  return node;
}

interface SchemaOptions {
  /** Every path a row must document. */
  readonly required: Set<string>;
  /** Every path koaJwt() accepts (required ones, and the objects between them). */
  readonly known: Set<string>;
  /** The keys of each path whose value is, or may be, an object. */
  readonly keysOf: Map<string, Set<string>>;
}

function schemaOptions(): SchemaOptions {
  const options: SchemaOptions = { required: new Set(), known: new Set(), keysOf: new Map() };
  const walkObject = (object: Node, path: string): void => {
    const keys = options.keysOf.get(path) ?? new Set<string>();
    options.keysOf.set(path, keys);
    for (const [key, child] of Object.entries(object.def.shape!)) {
      keys.add(key);
      walk(child, path ? `${path}.${key}` : key);
    }
  };
  const walk = (schema: Node, path: string): void => {
    const node = unwrap(schema);
    options.known.add(path);
    if (node.def.type === 'object') return walkObject(node, path);
    if (node.def.type === 'union') {
      const members = node.def.options!.map(unwrap);
      const objects = members.filter((m) => m.def.type === 'object');
      for (const object of objects) walkObject(object, path);
      if (objects.length < members.length) options.required.add(path);
      return;
    }
    options.required.add(path);
  };
  walkObject(unwrap(configSchema as unknown as Node), '');
  options.known.delete('');
  return options;
}

interface Row { readonly line: number; readonly paths: readonly string[]; readonly rest: readonly string[] }

/** The rows of every table of the page whose first header cell is `option`. */
function optionRows(): Row[] {
  const lines = readFileSync(PAGE, 'utf8').split('\n');
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim());
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || cells(lines[i]!)[0] !== 'option') continue;
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
      const [first, ...rest] = cells(lines[i]!);
      const paths = [...first!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\(.*\)$/, ''));
      rows.push({ line: i + 1, paths, rest });
    }
  }
  return rows;
}

/** The keys of each `{ a, b: value, c? }` code span of the cells. */
function inlineKeys(cellsOf: readonly string[]): string[] {
  const keys: string[] = [];
  for (const cell of cellsOf) {
    for (const [, inner] of cell.matchAll(/`\{([^`}]*)\}`/g)) {
      for (const item of inner!.split(',')) {
        const key = /^\s*([A-Za-z_$][\w$]*)\??\s*(?::|$)/.exec(item);
        if (key) keys.push(key[1]!);
      }
    }
  }
  return keys;
}

/** Each documented path, with the line of docs/configuration.md that documents it. */
function documented(options: SchemaOptions): Map<string, number> {
  const found = new Map<string, number>();
  for (const row of optionRows()) {
    for (const path of row.paths) {
      found.set(path, row.line);
      if (!options.keysOf.has(path)) continue;
      for (const key of inlineKeys(row.rest)) found.set(`${path}.${key}`, row.line);
    }
  }
  return found;
}

describe('docs/configuration.md', () => {
  it('documents every option of the config schema', () => {
    const options = schemaOptions();
    const docs = documented(options);
    const missing = [...options.required].filter((path) => !docs.has(path));
    expect(missing, `options missing from docs/configuration.md: ${missing.join(', ')}`).to.deep.equal([]);
  });

  it('documents no option that the config schema does not have', () => {
    const options = schemaOptions();
    const docs = documented(options);
    expect(docs.size, 'no option rows found in docs/configuration.md').to.be.greaterThan(0);
    const unknown = [...docs].filter(([path]) => !options.known.has(path)).map(([path, line]) => `${path} (line ${line})`);
    expect(unknown, `documented options the schema does not have: ${unknown.join(', ')}`).to.deep.equal([]);
  });
});
